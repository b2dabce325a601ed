import Foundation
import MDEAPI
import MDELedger

/// `MDE_LEDGER_TEST_CLOCK=TIME` fixes the clock the ledger records with (`recorded_at`, a plan's creation, a
/// report's `generated` line) at TIME. A test hook like `SyncTestHook`: golden files and doc transcripts built
/// twice from the same inputs then have the same event hashes, so they pin them instead of masking them. It
/// never changes what a snapshot describes (the API's `Date` header or an import's capture time).
enum TestClock {
    static let variable = "MDE_LEDGER_TEST_CLOCK"

    /// The ledger's clock for this process: the system's unless the variable names a time.
    static let ledger: LedgerClock = {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else { return .system }
        guard let date = UTCTime.parse(text) else {
            printError("error: \(variable)=\(text) is not a UTC time such as 2026-11-02T09:00:00Z; unset it")
            exit(64)
        }
        return .fixed(at: date)
    }()
}
