/// One HTTP request as the simulator's handlers see it: decoded query, raw body, the few headers used.
struct SimRequest: Sendable {
    var method: String
    /// The path without the query, as sent.
    var path: String
    /// The raw query string (without `?`), used to build `@odata.nextLink`.
    var rawQuery: String
    var query: [(name: String, value: String)]
    var authorization: String?
    /// The `Host` the client called, for `@odata.context` and `@odata.nextLink`.
    var host: String?
    var contentType: String?
    var body: [UInt8]
    /// The identity endpoints' headers: `Metadata`, `X-IDENTITY-HEADER`, and whether a proxy forwarded the
    /// request (`Via` or `X-Forwarded-For`, which IMDS refuses).
    var metadata: String?
    var identityHeader: String?
    var forwarded = false

    init(
        method: String, path: String, rawQuery: String = "", authorization: String? = nil, host: String? = nil,
        contentType: String? = nil, body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.rawQuery = rawQuery
        self.query = FormDecoding.pairs(rawQuery)
        self.authorization = authorization
        self.host = host
        self.contentType = contentType
        self.body = body
    }

    func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
}

/// `application/x-www-form-urlencoded` and query-string decoding (`+` is a space, `%XX` a byte).
enum FormDecoding {
    static func pairs(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(pieces[0]), pieces.count > 1 ? decode(pieces[1]) : "")
        }
    }

    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let b = iterator.next() {
            switch b {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let hi = iterator.next().flatMap(hexValue)
                let lo = iterator.next().flatMap(hexValue)
                if let hi, let lo { bytes.append(hi << 4 | lo) } else { bytes.append(b) }
            default: bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Percent-encodes a query component (RFC 3986 unreserved characters stay as they are).
    static func encode(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "$"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 0xF)])
            }
        }
        return out
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: b - 48
        case 65...70: b - 55
        case 97...102: b - 87
        default: nil
        }
    }
}
