import Foundation

/// UTC time helpers. Canonical text is `yyyy-MM-dd'T'HH:mm:ss'Z'` (whole seconds, floor).
///
/// ```swift
/// UTCTime.canonical("2026-11-02T08:13:41.1234567Z")   // "2026-11-02T08:13:41Z"
/// UTCTime.canonical("2026-11-02T10:13:41+02:00")      // "2026-11-02T08:13:41Z"
/// UTCTime.canonical("2026-10-31")                     // "2026-10-31T00:00:00Z"
/// ```
public enum UTCTime {
    /// Parses ISO-8601 with 0…7+ fractional digits and `Z` or a `±hh:mm` (or `±hhmm`) offset, or a bare date
    /// `2026-10-31` (= 00:00Z). Seconds may be left out (`2026-10-31T08:00Z`). `nil` for anything else,
    /// including a time without a zone, whose meaning would be a guess.
    public static func parse(_ text: String) -> Date? {
        guard let instant = parseInstant(text) else { return nil }
        return Date(timeIntervalSince1970: Double(instant.seconds) + Double(instant.nanoseconds) / 1e9)
    }

    /// Formats as canonical text, flooring to the whole second.
    public static func format(_ date: Date) -> String {
        format(epochSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    /// Parses and formats; `nil` when `parse` fails.
    ///
    /// Works on the parsed integer seconds, so `…:59.9999999Z` stays in its second (a `Date` could round it up).
    public static func canonical(_ text: String) -> String? {
        parseInstant(text).map { format(epochSeconds: $0.seconds) }
    }

    /// Whole seconds since 1970 in UTC plus the fraction, as parsed from `text`.
    static func parseInstant(_ text: String) -> (seconds: Int64, nanoseconds: Int)? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2),
            (1...12).contains(month), (1...daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        if scanner.atEnd { return (days * 86_400, 0) }

        guard scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), hour < 24, minute < 60
        else { return nil }
        var second: Int64 = 0
        var nanoseconds = 0
        if scanner.skip(":") {
            guard let value = scanner.number(digits: 2), value < 60 else { return nil }
            second = value
            if scanner.skip(".") || scanner.skip(",") {
                guard let fraction = scanner.fraction() else { return nil }
                nanoseconds = fraction
            }
        }
        let offsetSeconds: Int64
        if scanner.skip("Z") || scanner.skip("z") {
            offsetSeconds = 0
        } else if let sign = scanner.sign() {
            guard let offsetHours = scanner.number(digits: 2) else { return nil }
            _ = scanner.skip(":")
            guard let offsetMinutes = scanner.number(digits: 2), offsetHours < 24, offsetMinutes < 60 else {
                return nil
            }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard scanner.atEnd else { return nil }
        let local = days * 86_400 + hour * 3600 + minute * 60 + second
        return (local - offsetSeconds, nanoseconds)
    }

    /// Whole seconds since 1970 (floored), or nil when `parse` fails.
    public static func epochSeconds(_ text: String) -> Int64? {
        parseInstant(text)?.seconds
    }

    /// Canonical text of whole seconds since 1970.
    public static func format(epochSeconds: Int64) -> String {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let secondOfDay = epochSeconds - days * 86_400
        let (year, month, day) = civilFromDays(days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2) + "Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact proleptic Gregorian arithmetic, no calendar object.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Reads fixed-width ASCII digits and separators from a byte array.
struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Character) -> Bool {
        guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
        index += 1
        return true
    }

    mutating func number(digits: Int) -> Int64? {
        guard index + digits <= bytes.count else { return nil }
        var value: Int64 = 0
        for _ in 0..<digits {
            let byte = bytes[index]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
            index += 1
        }
        return value
    }

    /// One or more digits after the decimal point, as nanoseconds (digits past the ninth are truncated).
    mutating func fraction() -> Int? {
        var nanoseconds = 0
        var count = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            if count < 9 { nanoseconds = nanoseconds * 10 + Int(bytes[index] - 0x30) }
            count += 1
            index += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 9) { nanoseconds *= 10 }
        return nanoseconds
    }

    mutating func sign() -> Int64? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
