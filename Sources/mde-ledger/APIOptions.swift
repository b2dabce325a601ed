import ArgumentParser
import MDEAPI

/// The tenant and API connection options of every command that calls the MDE API (`sync`, `offboard`, `tag`).
struct APIOptions: ParsableArguments {
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

    @Flag(
        name: .customLong("no-progress"),
        help: "Do not show the progress line on a terminal (long waits are still printed, one line each).")
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
