import Foundation

/// Month arithmetic for `--month` and `-- as-of: month-ends N`, on canonical UTC text. Months are UTC months
/// unless a zone is given (`--tz`): then they are that zone's, and each end is its last second there.
public enum ReportTime {
    /// The last second of a month, e.g. `2026-11` → `2026-11-30T23:59:59Z` (with Asia/Tokyo,
    /// `2026-11-30T14:59:59Z`); nil for text that is not YYYY-MM.
    public static func monthEnd(_ month: String, zone: DisplayZone? = nil) -> String? {
        let parts = month.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]),
            let number = Int(parts[1]), (1...12).contains(number), year >= 1970
        else { return nil }
        return zone?.monthEnd(year: year, month: number) ?? monthEnd(year: year, month: number)
    }

    /// The latest `count` month ends at or before `asOf` (canonical UTC text), oldest first.
    public static func monthEnds(upTo asOf: String, count: Int, zone: DisplayZone? = nil) -> [String] {
        guard
            let (year, month) = zone?.yearMonth(asOf)
                ?? (Int(asOf.prefix(4)).flatMap { y in
                    Int(asOf.dropFirst(5).prefix(2)).map { (y, $0) }
                })
        else { return [] }
        var (y, m) = (year, month)
        var ends: [String] = []
        while ends.count < count && y >= 1970 {
            let end = zone?.monthEnd(year: y, month: m) ?? monthEnd(year: y, month: m)
            // Canonical UTC text compares correctly as a string.
            if end <= asOf { ends.append(end) }
            (y, m) = m == 1 ? (y - 1, 12) : (y, m - 1)
        }
        return ends.reversed()
    }

    /// The month end before `asOf`: the previous month's end when `asOf` is itself a month end (`--month`),
    /// else the latest month end before it.
    public static func previousMonthEnd(before asOf: String, zone: DisplayZone? = nil) -> String? {
        let ends = monthEnds(upTo: asOf, count: 2, zone: zone)
        return ends.last == asOf ? (ends.count == 2 ? ends.first : nil) : ends.last
    }

    static func monthEnd(year: Int, month: Int) -> String {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return String(format: "%04d-%02d-%02dT23:59:59Z", year, month, days)
    }
}
