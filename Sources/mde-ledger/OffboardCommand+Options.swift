import ArgumentParser
import Foundation
import MDEAPI
import MDELedger

/// The tenant and API options `offboard` and `tag` share with `sync`.
struct OutboxAPIOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The tenant (needed when the ledger has several).", valueName: "name"))
    var tenant: String?

    @Option(name: .customLong("base-url"), help: ArgumentHelp("The MDE API base URL.", valueName: "url"))
    var baseURL: String?

    @Option(name: .customLong("token-url"), help: ArgumentHelp("The OAuth2 token endpoint.", valueName: "url"))
    var tokenURL: String?

    @Option(
        name: .customLong("ca-file"),
        help: ArgumentHelp("A PEM file of extra CA certificates to trust (a TLS-inspecting proxy).", valueName: "pem"))
    var caFile: String?

    @Option(
        name: .customLong("rate-limit"),
        help: ArgumentHelp("Client-side API call limits, e.g. 100/60s,1500/3600s (the API's own).", valueName: "spec"))
    var rateLimit: String?

    @Flag(name: .customLong("no-progress"), help: "Do not show the progress line on a terminal.")
    var noProgress = false

    func validate() throws {
        if let rateLimit {
            do { _ = try RateLimitPolicy(parsing: rateLimit) } catch { throw ValidationError("\(error)") }
        }
    }

    var policy: RateLimitPolicy {
        (try? rateLimit.map { try RateLimitPolicy(parsing: $0) }) ?? .mdeDefault
    }
}

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
