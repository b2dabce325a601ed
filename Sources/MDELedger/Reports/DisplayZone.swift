import Foundation
import MDEAPI

/// A time zone for displayed times (`--tz Asia/Tokyo`): canonical UTC text is shown as local time with its
/// offset, `2026-11-30T23:59:59Z` → `2026-12-01T08:59:59+09:00`, and `--month` means that zone's month. The
/// ledger, JSON and CSV keep UTC.
public struct DisplayZone: Sendable, Hashable {
    /// The IANA name, e.g. `Asia/Tokyo`.
    public let identifier: String
    let zone: TimeZone

    /// Nil for a name the system's time zone database does not know.
    public init?(_ identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
    }

    /// `TZ` when it names a zone, else nil (UTC).
    public static func fromEnvironment(_ env: [String: String]) -> DisplayZone? {
        guard let name = env["TZ"], !name.isEmpty else { return nil }
        return DisplayZone(name.hasPrefix(":") ? String(name.dropFirst()) : name)
    }

    /// Seconds east of UTC at an instant.
    func offset(at epochSeconds: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(epochSeconds))))
    }

    /// One canonical UTC time as local time with its offset; other text unchanged.
    public func time(_ utc: String) -> String {
        guard utc.count == 20, utc.hasSuffix("Z"), let seconds = UTCTime.epochSeconds(utc) else { return utc }
        let offset = offset(at: seconds)
        let local = UTCTime.format(epochSeconds: seconds + offset).dropLast()
        let sign = offset < 0 ? "-" : "+"
        return local + String(format: "%@%02d:%02d", sign, Int(abs(offset) / 3600), Int(abs(offset) % 3600 / 60))
    }

    private static let utcTime = try! NSRegularExpression(pattern: "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z")

    /// Every canonical UTC time inside `text` as local time with its offset.
    public func times(in text: String) -> String {
        let range = NSRange(text.startIndex..., in: text)
        var out = text
        for match in Self.utcTime.matches(in: text, range: range).reversed() {
            let found = Range(match.range, in: text)!
            out.replaceSubrange(Range(match.range, in: out)!, with: time(String(text[found])))
        }
        return out
    }

    /// The last second of a month in this zone, as canonical UTC text.
    func monthEnd(year: Int, month: Int) -> String {
        let (y, m) = month == 12 ? (year + 1, 1) : (year, month + 1)
        let nextLocal = UTCTime.epochSeconds(String(format: "%04d-%02d-01T00:00:00Z", y, m))!
        // The offset in force just before the local midnight that starts the next month.
        let guess = nextLocal - offset(at: nextLocal)
        return UTCTime.format(epochSeconds: nextLocal - offset(at: guess - 1) - 1)
    }

    /// The year and month an instant falls in, in this zone.
    func yearMonth(_ utc: String) -> (year: Int, month: Int)? {
        guard let seconds = UTCTime.epochSeconds(utc) else { return nil }
        let local = UTCTime.format(epochSeconds: seconds + offset(at: seconds))
        guard let year = Int(local.prefix(4)), let month = Int(local.dropFirst(5).prefix(2)) else { return nil }
        return (year, month)
    }
}
