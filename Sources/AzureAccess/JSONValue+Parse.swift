import Foundation

extension JSONValue {
    /// Parses JSON text (RFC 8259; a leading UTF-8 byte order mark is skipped).
    ///
    /// Whole numbers that fit in `Int64` become `.int`; other numbers `.double`. Duplicate keys: the last wins.
    /// - Throws: `MDEDecodingError` with `isSyntaxError` set, naming the byte offset.
    /// - Parameter maxStringBytes: the longest string (in UTF-8 bytes) accepted; a longer one is an error.
    public static func parse(_ data: Data, maxStringBytes: Int = JSONParser.defaultMaxStringBytes) throws -> JSONValue {
        try data.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw.bindMemory(to: UInt8.self))
            parser.maxStringBytes = maxStringBytes
            return try parser.parseDocument()
        }
    }

    /// Parses a list response and also returns the text of each item of its top-level `value` array exactly as
    /// received (`nil` when there is no such array), so the ledger can keep the service's own bytes as evidence
    /// without re-encoding every object.
    public static func parseList(_ data: Data) throws -> (document: JSONValue, itemTexts: [String]?) {
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var parser = JSONParser(bytes: bytes)
            parser.recordsValueItems = true
            let document = try parser.parseDocument()
            let texts = parser.valueItemRanges.map { ranges in
                ranges.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
            }
            return (document, texts)
        }
    }

    /// Parses JSON text given as a string.
    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Data(text.utf8))
    }
}

/// A small recursive-descent parser over bytes; faster than `JSONDecoder` trial decoding and keeps Int64 exact.
public struct JSONParser {
    /// No MDE field comes near this; a longer string is a runaway or hostile document.
    public static let defaultMaxStringBytes = 1 << 20
    let bytes: UnsafeBufferPointer<UInt8>
    var maxStringBytes = defaultMaxStringBytes
    var index = 0
    // Deeply nested input would otherwise overflow the stack; MDE objects are at most a few levels deep.
    static let maxDepth = 512
    /// Record the item ranges of the document's top-level `value` array (see `JSONValue.parseList`).
    var recordsValueItems = false
    private var recordNextArray = false
    private(set) var valueItemRanges: [Range<Int>]?

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
    }

    mutating func parseDocument() throws -> JSONValue {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if index < bytes.count { throw failure("unexpected text after the JSON value") }
        return value
    }

    func failure(_ problem: String) -> MDEDecodingError {
        let what = index < bytes.count ? "'\(UnicodeScalar(bytes[index]).escaped(asASCII: true))'" : "end of input"
        return MDEDecodingError("invalid JSON at byte \(index) (\(what)): \(problem)", isSyntaxError: true)
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws -> JSONValue {
        guard depth < Self.maxDepth else { throw failure("nested too deeply") }
        skipWhitespace()
        guard index < bytes.count else { throw failure("expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw failure("expected a value")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("expected '\(literal)'") }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw failure("expected '\(literal)'")
        }
        index += count
    }

    mutating func parseObject(depth: Int) throws -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a key") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            index += 1
            recordNextArray = recordsValueItems && depth == 0 && key == "value"
            members[key] = try parseValue(depth: depth + 1)
            recordNextArray = false
            skipWhitespace()
            guard index < bytes.count else { throw failure("expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            } else {
                throw failure("expected ',' or '}'")
            }
        }
    }

    mutating func parseArray(depth: Int) throws -> JSONValue {
        index += 1
        let records = recordNextArray
        recordNextArray = false
        if records { valueItemRanges = [] }
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            let start = index
            elements.append(try parseValue(depth: depth + 1))
            if records { valueItemRanges?.append(start..<index) }
            skipWhitespace()
            guard index < bytes.count else { throw failure("expected ',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            } else {
                throw failure("expected ',' or ']'")
            }
        }
    }
}
