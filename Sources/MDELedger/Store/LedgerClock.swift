import Foundation
import MDEAPI

/// Where a ledger reads "now": bookkeeping times only (`recorded_at`, `started_at`, a plan's creation). What a
/// snapshot describes always comes from the API's `Date` header or an import's capture time.
///
/// Passed in rather than read from the system, so tests run time-dependent cases on a clock they set, and a
/// ledger built twice from the same inputs on a fixed clock has the same event hashes.
///
/// ```swift
/// let ledger = try Ledger.open(path: "l.sqlite", create: true, clock: .fixed(at: Date(timeIntervalSince1970: 0)))
/// ```
public struct LedgerClock: Sendable {
    private let read: @Sendable () -> Date

    /// A clock that asks `read` each time.
    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    /// The system clock.
    public static let system = LedgerClock { Date() }

    /// A clock that always says `date`.
    public static func fixed(at date: Date) -> LedgerClock {
        LedgerClock { date }
    }

    /// The current time.
    public func now() -> Date { read() }

    /// The current time as canonical UTC text (whole seconds).
    public func nowText() -> String { UTCTime.format(read()) }
}
