import Foundation
import MDEAPI

/// A machine's raw JSON with the value of `lastSeen` cut out, so the rest of the document can be stored once.
///
/// `lastSeen` moves on nearly every daily sync while the rest of a device's document rarely does. Storing the
/// document without that value (the *template*) lets an unchanged device share one stored document across
/// syncs, and a sync where only `lastSeen` moved write one narrow row (`device_sightings`). The document as the
/// service sent it is the template with the value put back at `offset`, byte for byte.
struct LastSeenSplit: Equatable, Sendable {
    /// The raw text without the lastSeen value (its quotes are kept: `"lastSeen":""`).
    var template: String
    /// Where the value goes back, in Unicode scalars (SQLite's `substr` counts characters the same way).
    var offset: Int
    /// Whole seconds since 1970 of the value.
    var seconds: Int64
    /// What follows the seconds in the value before its `Z`: `""` or a fraction like `.4866667`.
    var fraction: String

    /// The value as it was sent: canonical seconds, the fraction and `Z`.
    var valueText: String { Self.valueText(seconds: seconds, fraction: fraction) }

    /// The document as it was sent.
    var document: String { Self.document(template: template, offset: offset, value: valueText) }

    static func valueText(seconds: Int64, fraction: String) -> String {
        String(UTCTime.format(epochSeconds: seconds).dropLast()) + fraction + "Z"
    }

    static func document(template: String, offset: Int, value: String) -> String {
        let scalars = template.unicodeScalars
        let cut = scalars.index(scalars.startIndex, offsetBy: offset)
        return String(scalars[..<cut]) + value + String(scalars[cut...])
    }

    /// Splits `raw`, or returns nil when its lastSeen is missing, repeated, escaped, or not of the service's
    /// usual shape `yyyy-MM-ddTHH:mm:ss[.fff…]Z`: such a document is then stored whole, which is only larger.
    static func split(_ raw: String) -> LastSeenSplit? {
        let bytes = Array(raw.utf8)
        let key = Array("\"lastSeen\"".utf8)
        guard let keyStart = find(key, in: bytes, from: 0), find(key, in: bytes, from: keyStart + 1) == nil else {
            return nil
        }
        var i = keyStart + key.count
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        let valueStart = i + 1
        guard let valueEnd = bytes[valueStart...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        let value = bytes[valueStart..<valueEnd]
        guard let parsed = parse(Array(value)) else { return nil }
        let before = String(decoding: bytes[..<valueStart], as: UTF8.self)
        let template = before + String(decoding: bytes[valueEnd...], as: UTF8.self)
        let split = LastSeenSplit(
            template: template, offset: before.unicodeScalars.count, seconds: parsed.seconds,
            fraction: parsed.fraction)
        // Only a value that reads back to the same bytes is cut out.
        return split.valueText.utf8.elementsEqual(value) ? split : nil
    }

    /// `yyyy-MM-ddTHH:mm:ss` + optional `.digits` + `Z`.
    private static func parse(_ value: [UInt8]) -> (seconds: Int64, fraction: String)? {
        guard value.count >= 20, value.last == UInt8(ascii: "Z") else { return nil }
        let head = String(decoding: value[0..<19], as: UTF8.self)
        let rest = value[19..<(value.count - 1)]
        if !rest.isEmpty {
            guard rest.first == UInt8(ascii: "."), rest.count > 1,
                rest.dropFirst().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            else { return nil }
        }
        guard let seconds = UTCTime.epochSeconds(head + "Z") else { return nil }
        return (seconds, String(decoding: rest, as: UTF8.self))
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
