import Foundation
import MDEAPI

/// Where an import's observation time came from.
public enum ObservedAtSource: String, Sendable, Hashable {
    /// `--observed-at`.
    case option
    /// A capture time the file itself carries. Neither API JSON (the HTTP `Date` header is not in the body) nor
    /// the portal's CSV export carries one today, so imports fall back to the clock; kept for formats that will.
    case file
    /// The local clock at import time: right for a file captured just now, wrong for last week's file.
    case clock
}

/// Parsing and checking `--observed-at`: when the imported response or export was captured.
public enum ObservedAt {
    /// Clock skew allowed between this machine, the API and the portal.
    public static let allowedSkew: TimeInterval = 300

    /// Canonical UTC text of an ISO-8601 time or a date (00:00 UTC that day).
    /// - Throws: `ImportError` for text that is not a time, or a time in the future (beyond a few minutes of skew).
    public static func parse(_ text: String, now: Date) throws -> String {
        guard let date = UTCTime.parse(text.trimmingCharacters(in: .whitespaces)) else {
            throw ImportError(
                "--observed-at \(ErrorText.quoted(text)) is not a time; use ISO-8601 with a zone (2026-05-09T10:00:00Z) or a date "
                    + "(2026-05-09)")
        }
        guard date.timeIntervalSince(now) <= allowedSkew else {
            throw ImportError(
                "--observed-at \(UTCTime.format(date)) is in the future (now is \(UTCTime.format(now))); give the time "
                    + "the file was captured")
        }
        return UTCTime.format(date)
    }
}
