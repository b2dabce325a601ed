import Foundation
import MDEAPI

/// The local clock, as canonical UTC text. Only for bookkeeping (`recorded_at`, `started_at`); what a
/// snapshot describes always comes from the API's `Date` header or an import's capture time.
enum UTCClock {
    static func nowText() -> String { UTCTime.format(Date()) }
}
