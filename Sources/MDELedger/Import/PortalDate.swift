import Foundation
import MDEAPI

/// Reads the date-times found in portal exports and spreadsheets, as canonical UTC text.
///
/// Accepted: ISO-8601 (`2026-05-09T10:00:00.123Z`, `+02:00`), the same without a zone or with a space
/// (`2026-05-09 10:00:00`), `5/9/2026 10:00:00 AM`, `9.5.2026 10:00`, `May 9, 2026 10:00 AM`, `9 May 2026`,
/// a date alone (00:00). A time without a zone (or with `UTC`/`GMT`) is UTC: the portal exports UTC.
/// Whether `5/9/2026` is May 9 or 5 September is decided once per file (``SlashOrder``).
enum PortalDate {
    /// The order of day and month in `a/b/yyyy` dates.
    enum SlashOrder: Sendable { case monthFirst, dayFirst }

    /// Canonical UTC text, or nil when `text` is not a date this reader knows.
    static func canonical(_ text: String, order: SlashOrder) -> String? {
        let text = text.trimmingCharacters(in: .whitespaces)
        // Only ASCII: `\d` also matches Arabic-Indic or full-width digits, which Int() then cannot read.
        guard text.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
        if let iso = UTCTime.canonical(text) { return iso }
        guard let parts = text.wholeMatch(of: pattern) else { return nil }
        guard let (year, month, day) = date(String(parts.date), order: order) else { return nil }
        var hour = parts.hour.flatMap { Int($0) } ?? 0
        let minute = parts.minute.flatMap { Int($0) } ?? 0
        let second = parts.second.flatMap { Int($0) } ?? 0
        if let meridiem = parts.meridiem?.lowercased() {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (meridiem.hasPrefix("p") ? 12 : 0)
        }
        var zone = "Z"
        if let offset = parts.zone, offset.first == "+" || offset.first == "-" { zone = String(offset) }
        let iso = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second) + zone
        return UTCTime.canonical(iso)
    }

    /// What a date says about the file's day/month order: `13/5/2026` can only be day first.
    static func orderHint(_ text: String) -> SlashOrder? {
        guard let match = text.firstMatch(of: #/^\s*([0-9]{1,2})/([0-9]{1,2})/[0-9]{4}/#),
            let first = Int(match.1), let second = Int(match.2)
        else { return nil }
        if first > 12 && second <= 12 { return .dayFirst }
        if second > 12 && first <= 12 { return .monthFirst }
        return nil
    }

    /// A date, then optionally a time (`T`, space or comma before it) with AM/PM and a zone.
    nonisolated(unsafe) private static let pattern =
        #/
        (?<date>.+?)
        (?:
            (?:T|,?\s+) (?<hour>[0-9]{1,2}) : (?<minute>[0-9]{2}) (?: : (?<second>[0-9]{2}) (?:[.,][0-9]+)? )?
            (?: \s* (?<meridiem>[AaPp]\.?[Mm]\.?) )?
            (?: \s* (?<zone>Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2}) )?
        )?
        /#

    /// Years accepted in device data: before MDE existed or far in the future is a typo or a forged file.
    static let deviceYears = 1990...2100

    /// `true` when canonical UTC text falls in ``deviceYears``.
    static func isPlausibleDeviceTime(_ canonical: String) -> Bool {
        Int(canonical.prefix(4)).map(deviceYears.contains) ?? false
    }

    private static func date(_ text: String, order: SlashOrder) -> (Int, Int, Int)? {
        // A leading weekday ("Tue, 5 May 2026") carries no information.
        let text = text.replacing(#/^(?i)(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/#, with: "", maxReplacements: 1)
        if let m = text.wholeMatch(of: #/([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})/#) {
            return (Int(m.1)!, Int(m.2)!, Int(m.3)!)
        }
        if let m = text.wholeMatch(of: #/([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})/#) {
            let (a, b) = (Int(m.1)!, Int(m.2)!)
            return order == .monthFirst ? (Int(m.3)!, a, b) : (Int(m.3)!, b, a)
        }
        if let m = text.wholeMatch(of: #/([0-9]{1,2})[.-]([0-9]{1,2})[.-]([0-9]{4})/#) {
            return (Int(m.3)!, Int(m.2)!, Int(m.1)!)
        }
        if let m = text.wholeMatch(of: #/([A-Za-z]{3,9})\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?\s+([0-9]{4})/#),
            let month = month(String(m.1))
        {
            return (Int(m.3)!, month, Int(m.2)!)
        }
        if let m = text.wholeMatch(of: #/([0-9]{1,2})[\s-]([A-Za-z]{3,9})\.?,?[\s-]([0-9]{4})/#),
            let month = month(String(m.2))
        {
            return (Int(m.3)!, month, Int(m.1)!)
        }
        return nil
    }

    private static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    /// 1…12 for an English month name or an abbreviation of at least three letters (`Sept` too).
    private static func month(_ word: String) -> Int? {
        let word = word.lowercased()
        guard word.count >= 3, let index = months.firstIndex(where: { $0.hasPrefix(word) }) else { return nil }
        return index + 1
    }
}
