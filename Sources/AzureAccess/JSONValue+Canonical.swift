extension JSONValue {
    /// The RFC 8785 (JSON Canonicalization Scheme) text of the value: compact, object keys sorted by their
    /// UTF-16 code units, numbers as ECMAScript prints them, strings escaped minimally (`"`, `\\`, control
    /// characters, with the short forms `\\b \\f \\n \\r \\t`); non-ASCII text kept as UTF-8. An auditor's
    /// standard JCS serialiser produces the same bytes, so hashes over it can be recomputed independently.
    /// `JSONValue.parse(v.canonicalText()) == v` for every value `parse` can produce (doubles that are whole
    /// numbers read back as integers).
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
        case .double(let value): output += Self.ecmaScriptText(value).utf8
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
            // UTF-16 code unit order (RFC 8785 §3.2.3), not String's Unicode collation.
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
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

    /// A double as ECMAScript's `Number.prototype.toString` prints it (RFC 8785 §3.2.2.3). Swift's `description`
    /// already yields the shortest digits that read back to the same double; only their layout differs.
    static func ecmaScriptText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }  // JSON has no NaN or infinity; the parser never makes them
        if value == 0 { return "0" }
        if value < 0 { return "-" + ecmaScriptText(-value) }
        let text = value.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1])! : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1)
        var digits = Array(mantissa[0]) + (mantissa.count == 2 ? Array(mantissa[1]) : [])
        var point = mantissa[0].count + exponent  // digits before the decimal point
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        let k = digits.count
        let n = point
        let s = String(digits)
        if k <= n && n <= 21 { return s + String(repeating: "0", count: n - k) }
        if 0 < n && n <= 21 { return String(digits[..<n]) + "." + String(digits[n...]) }
        if -6 < n && n <= 0 { return "0." + String(repeating: "0", count: -n) + s }
        let e = n - 1
        let sign = e < 0 ? "-" : "+"
        let head = k == 1 ? s : String(digits[0]) + "." + String(digits[1...])
        return head + "e" + sign + String(abs(e))
    }
}
