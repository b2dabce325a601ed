import Foundation

/// HTTP dates (`Date` and `Retry-After` headers), IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7).
package enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Parses IMF-fixdate, and the obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) the RFC asks
    /// recipients to accept; `nil` otherwise.
    package static func parse(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "-" })
        guard parts.count >= 5, parts.last?.uppercased() == "GMT" else { return nil }
        // IMF: [Sun,] [06] [Nov] [1994] [08:49:37] [GMT]; RFC 850 splits the same way on '-'.
        let fields = parts.count == 6 ? Array(parts.dropFirst()) : Array(parts)
        guard fields.count == 5, let day = Int64(fields[0]),
            let monthIndex = months.firstIndex(of: fields[1].lowercased()),
            var year = Int64(fields[2])
        else { return nil }
        if fields[2].count == 2 { year += year < 70 ? 2000 : 1900 }
        let clock = fields[3].split(separator: ":")
        guard clock.count == 3, let hour = Int64(clock[0]), let minute = Int64(clock[1]),
            let second = Int64(clock[2]), hour < 24, minute < 60, second < 61,
            (1...UTCTime.daysInMonth(year: year, month: Int64(monthIndex + 1))).contains(day)
        else { return nil }
        let days = UTCTime.daysFromCivil(year: year, month: Int64(monthIndex + 1), day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3_600 + minute * 60 + min(second, 59)))
    }

    /// Seconds to wait for a `Retry-After` value: delay-seconds, or an HTTP date measured against the response's
    /// own `Date` (so a skewed local clock does not matter) or else the local clock. `nil` when unreadable.
    package static func retryAfterSeconds(_ value: String, serverDate: Date?, now: Date = Date()) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite { return max(0, seconds) }
        guard let date = parse(trimmed) else { return nil }
        return max(0, date.timeIntervalSince(serverDate ?? now))
    }
}
