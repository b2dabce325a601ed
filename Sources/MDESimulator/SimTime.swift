import Foundation

/// A point in virtual time: 100-nanosecond ticks since 1970-01-01T00:00:00Z.
///
/// MDE prints times with seven fractional digits (`2026-11-02T08:13:41.1234567Z`), which is exactly
/// tick precision, so integer ticks format without rounding surprises and compare cheaply in filters.
struct SimTime: Hashable, Comparable, Sendable {
    static let ticksPerSecond: Int64 = 10_000_000
    static let ticksPerDay: Int64 = 86_400 * ticksPerSecond

    var ticks: Int64

    init(ticks: Int64) { self.ticks = ticks }

    init(_ date: Date) {
        ticks = Int64((date.timeIntervalSince1970 * Double(Self.ticksPerSecond)).rounded())
    }

    var date: Date { Date(timeIntervalSince1970: Double(ticks) / Double(Self.ticksPerSecond)) }

    static func seconds(_ s: Double) -> Int64 { Int64((s * Double(ticksPerSecond)).rounded()) }
    static func days(_ d: Double) -> Int64 { Int64((d * Double(ticksPerDay)).rounded()) }

    static func < (a: SimTime, b: SimTime) -> Bool { a.ticks < b.ticks }
    static func + (a: SimTime, b: Int64) -> SimTime { SimTime(ticks: a.ticks + b) }
    static func - (a: SimTime, b: Int64) -> SimTime { SimTime(ticks: a.ticks - b) }
    static func - (a: SimTime, b: SimTime) -> Int64 { a.ticks - b.ticks }
}

// MARK: - Civil calendar (proleptic Gregorian, UTC), after Howard Hinnant's algorithms

extension SimTime {
    struct Civil {
        var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, fraction: Int64
        var weekday: Int  // 0 = Sunday
    }

    var civil: Civil {
        let days = Int(ticks.floorDiv(Self.ticksPerDay))
        let inDay = ticks - Int64(days) * Self.ticksPerDay
        let secs = Int(inDay / Self.ticksPerSecond)
        let (y, m, d) = Self.civil(fromDays: days)
        return Civil(
            year: y, month: m, day: d, hour: secs / 3600, minute: secs / 60 % 60, second: secs % 60,
            fraction: inDay % Self.ticksPerSecond, weekday: ((days % 7) + 11) % 7)
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

extension Int64 {
    fileprivate func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
