extension JSONValue {
    /// Compact JSON text with object keys sorted by their UTF-8 bytes (stable; used for raw storage and hashing).
    ///
    /// Strings are escaped minimally (`"`, `\`, control characters); non-ASCII text is kept as UTF-8.
    /// `JSONValue.parse(v.canonicalText()) == v` for every value `parse` can produce.
    public func canonicalText() -> String {
        // Built as UTF-8 bytes: a sync canonicalises every machine it receives, and byte appends are several
        // times faster than appending String scalars one by one.
        var output: [UInt8] = []
        output.reserveCapacity(1_024)
        appendCanonical(to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private func appendCanonical(to output: inout [UInt8]) {
        switch self {
        case .null: output += "null".utf8
        case .bool(let value): output += (value ? "true" : "false").utf8
        case .int(let value): output += String(value).utf8
        case .double(let value):
            // Swift prints the shortest text that reads back to the same double, e.g. 0.1, 1e-07, 1.0.
            output += (value.isFinite ? value.description : "null").utf8
        case .string(let value): Self.appendQuoted(value, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                element.appendCanonical(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            // Byte order, not String's Unicode collation, so other tools (Python sort_keys, SQLite) agree.
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (offset, key) in keys.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                Self.appendQuoted(key, to: &output)
                output.append(UInt8(ascii: ":"))
                members[key]!.appendCanonical(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string literal. Escaping works byte by byte: every byte of a multi-byte UTF-8 sequence is
    /// 0x80 or above, so only ASCII `"`, `\` and control bytes ever need it.
    private static func appendQuoted(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += #"\""#.utf8
            case UInt8(ascii: "\\"): output += #"\\"#.utf8
            case 0x0A: output += #"\n"#.utf8
            case 0x0D: output += #"\r"#.utf8
            case 0x09: output += #"\t"#.utf8
            case 0x08: output += #"\b"#.utf8
            case 0x0C: output += #"\f"#.utf8
            case 0x00...0x1F:
                output += #"\u00"#.utf8
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
