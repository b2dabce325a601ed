import Dispatch
import Foundation
import MDEAPI
import MDELedger

/// The offboard options that guard what is sent (`offboard --help`).
struct OffboardSafety {
    var includeCancelled = false
    /// `--list`: the retirement list's SHA-256, or a file name.
    var retiredList: String?
    var planOut: String?
    var planFile: String?
    var allowLargePlan = false
    var maxSnapshotAge: Double = 24
    var maxPlanAge: Double = 24
}

/// Who asks for an offboard: MDE records only the app, so the ledger and the Comment must name a person.
enum Requester {
    /// Account names that say nothing about who ran the command.
    static let generic: Set<String> = ["", "root", "runner", "system", "administrator", "admin", "unknown"]

    /// `--requested-by`, else `$USER` or `$LOGNAME`; refused when `required` and the only name is generic.
    static func resolve(_ given: String?, env: [String: String], required: Bool) throws -> String {
        if let given { return given.trimmingCharacters(in: .whitespaces) }
        let user =
            [env["USER"], env["LOGNAME"]].compactMap { $0?.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty } ?? ""
        if required && generic.contains(user.lowercased()) {
            throw CLIFailure(
                message: "offboarding must name the person who asks, and $USER is "
                    + (user.isEmpty ? "empty" : "'\(ErrorText.escaped(user))'")
                    + "; pass --requested-by NAME (it is recorded in the plan and sent in the Comment)", code: 64)
        }
        return user.isEmpty ? "unknown" : user
    }
}

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
