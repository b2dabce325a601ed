import ArgumentParser
import Foundation
import MDEAPI
import MDELedger

/// A test hook: `MDE_LEDGER_TEST_KILL_AFTER=N` makes the process kill itself (SIGKILL) at the Nth checkpoint of an
/// outbox run (a committed step or an answer received), so tests stop it at exact points instead of timed kills;
/// `MDE_LEDGER_TEST_INTERRUPT_AFTER=N` sends it SIGINT there instead, as Ctrl-C would.
final class KillSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int?
    private let signal: Int32

    init(environment: [String: String]) {
        if let interrupt = environment["MDE_LEDGER_TEST_INTERRUPT_AFTER"].flatMap({ Int($0) }) {
            remaining = interrupt
            signal = SIGINT
        } else {
            remaining = environment["MDE_LEDGER_TEST_KILL_AFTER"].flatMap { Int($0) }
            signal = SIGKILL
        }
    }

    func checkpoint() {
        lock.lock()
        defer { lock.unlock() }
        guard let left = remaining else { return }
        if left <= 1 {
            remaining = nil
            kill(getpid(), signal)
            return
        }
        remaining = left - 1
    }
}
