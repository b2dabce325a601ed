import Dispatch
import Foundation
import MDEAPI
import MDELedger

/// The progress of a running plan: a live line on a terminal; off a terminal (cron) a line every 30 s with the
/// count, the rate and an ETA from the pace the service actually allowed (429 waits included).
final class OutboxProgressText: @unchecked Sendable {
    private let line: ProgressLine
    private let policy: RateLimitPolicy
    private let callsPerDevice: Int
    private let lock = NSLock()
    private let started = ContinuousClock.now
    private var lastLine = ContinuousClock.now
    private(set) var done = 0
    private(set) var total = 0
    private let interval: Duration

    /// - Parameter interval: how often a line is printed off a terminal (30 s; tests set
    ///   `MDE_LEDGER_TEST_PROGRESS_SECONDS` so a short run prints one per device).
    init(line: ProgressLine, policy: RateLimitPolicy, callsPerDevice: Int, interval: Duration = .seconds(30)) {
        self.interval = interval
        self.line = line
        self.policy = policy
        self.callsPerDevice = callsPerDevice
    }

    func handle(_ event: OutboxProgress) {
        switch event {
        case .waiting(let text): line.show(text)
        case .device(let done, let total):
            let (text, due) = lock.withLock { () -> (String, Bool) in
                self.done = done
                self.total = total
                let now = ContinuousClock.now
                let elapsed = Double((now - started).components.seconds)
                let due = now - lastLine >= interval
                if due { lastLine = now }
                let text = OutboxPace.progressText(
                    done: done, total: total, elapsed: elapsed, policy: policy, callsPerDevice: callsPerDevice)
                return (text, due)
            }
            if line.interactive {
                line.show(text)
            } else if due {
                line.print(text)
            }
        }
    }

    func finish() { line.finish() }
}

/// Ctrl-C during a run: every step is committed before the next call, so stopping is safe at any moment; say
/// what was done and how to resume, then exit 130.
final class InterruptNotice: @unchecked Sendable {
    private let source: DispatchSourceSignal

    init(progress: OutboxProgressText) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            progress.finish()
            FileHandle.standardError.write(
                Data(
                    ("\ninterrupted: \(progress.done) of \(progress.total) devices answered; every request sent is "
                        + "recorded. Run the same command again to resume; it sends no device twice.\n").utf8))
            exit(130)
        }
        source.resume()
    }

    func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
