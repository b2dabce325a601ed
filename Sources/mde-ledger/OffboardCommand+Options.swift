import ArgumentParser
import Foundation
import MDEAPI
import MDELedger

/// A test hook: `MDE_LEDGER_TEST_KILL_AFTER=N` makes the process kill itself (SIGKILL) at the Nth checkpoint of an
/// outbox run (a committed step or an answer received), so tests stop it at exact points instead of timed kills.
final class KillSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int?

    init(environment: [String: String]) {
        remaining = environment["MDE_LEDGER_TEST_KILL_AFTER"].flatMap { Int($0) }
    }

    func checkpoint() {
        lock.lock()
        defer { lock.unlock() }
        guard let left = remaining else { return }
        if left <= 1 { kill(getpid(), SIGKILL) }
        remaining = left - 1
    }
}

/// How long `calls` requests take at least under `policy`: each window admits `limit` calls per `seconds`.
func minimumDuration(calls: Int, policy: RateLimitPolicy) -> Double {
    policy.windows.map { window in Double(max(0, (calls - 1) / window.limit)) * window.seconds }.max() ?? 0
}

/// `2 h 5 min`, `3 min`, `under a minute`.
func durationText(_ seconds: Double) -> String {
    if seconds < 60 { return "under a minute" }
    let minutes = Int((seconds / 60).rounded(.up))
    return minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h \(minutes % 60) min"
}
