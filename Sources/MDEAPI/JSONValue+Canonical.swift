extension JSONValue {
    /// Compact JSON text with object keys sorted by their UTF-8 bytes (stable; used for raw storage and hashing).
    ///
    /// Strings are escaped minimally (`"`, `\`, control characters); non-ASCII text is kept as UTF-8.
    /// `JSONValue.parse(v.canonicalText()) == v` for every value `parse` can produce.
    public func canonicalText() -> String {
        var output = ""
        appendCanonical(to: &output)
        return output
    }

    private func appendCanonical(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .double(let value):
            // Swift prints the shortest text that reads back to the same double, e.g. 0.1, 1e-07, 1.0.
            output += value.isFinite ? value.description : "null"
        case .string(let value): Self.appendQuoted(value, to: &output)
        case .array(let elements):
            output += "["
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output += "," }
                element.appendCanonical(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            // Byte order, not String's Unicode collation, so other tools (Python sort_keys, SQLite) agree.
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (offset, key) in keys.enumerated() {
                if offset > 0 { output += "," }
                Self.appendQuoted(key, to: &output)
                output += ":"
                members[key]!.appendCanonical(to: &output)
            }
            output += "}"
        }
    }

    private static func appendQuoted(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
