import ArgumentParser
import Foundation
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
        name: .customLong("cloud"),
        help: ArgumentHelp(
            "The tenant's Microsoft cloud: public, gcc, gcc-high or dod (default: the tenant's 'cloud' setting, else "
                + "public). It picks the API host, the login host and the token scope.",
            valueName: "cloud"))
    var cloud: MicrosoftCloud?

    @Option(
        name: .customLong("ca-file"),
        help: ArgumentHelp("A PEM file of extra CA certificates to trust (a TLS-inspecting proxy).", valueName: "pem"))
    var caFile: String?

    @Option(
        name: .customLong("credential"),
        help: ArgumentHelp(
            "auto, secret, certificate, workload-identity or managed-identity (auto: AZURE_CLIENT_SECRET or "
                + "AZURE_CLIENT_SECRET_FILE, else AZURE_CLIENT_CERTIFICATE_PATH, else AZURE_FEDERATED_TOKEN_FILE, else "
                + "the managed identity of App Service or Azure Arc that IDENTITY_ENDPOINT announces; an Azure VM's "
                + "identity needs managed-identity named).",
            valueName: "kind"))
    var credential: CredentialKind = .auto

    @Option(
        name: .customLong("assertion-algorithm"),
        help: ArgumentHelp(
            "How a certificate signs the client assertion: ps256 (with x5t#S256, Entra's recommendation) or rs256 "
                + "(with x5t, for tenants and key stores that need it).",
            valueName: "alg"))
    var assertionAlgorithm: AssertionAlgorithm = .ps256

    @Option(
        name: .customLong("proxy"),
        help: ArgumentHelp(
            "An HTTP proxy for every request, http://[user@]host:port (default: HTTPS_PROXY and HTTP_PROXY, with "
                + "NO_PROXY for hosts reached directly). A user's password is read from the file named by "
                + "MDE_LEDGER_PROXY_PASSWORD_FILE, never from the command line.",
            valueName: "url"))
    var proxy: String?

    @Option(
        name: .customLong("connect-timeout"),
        help: ArgumentHelp("Seconds one connection attempt may take.", valueName: "seconds"))
    var connectTimeout: Double = 10

    @Option(
        name: .customLong("retry-budget"),
        help: ArgumentHelp(
            "Seconds one API call may spend retrying connection errors, 5xx answers and unreadable responses "
                + "(the waits are printed; 429 waits follow the service's Retry-After).",
            valueName: "seconds"))
    var retryBudget: Double = 120

    @Option(
        name: .customLong("rate-limit"),
        help: ArgumentHelp("Client-side API call limits, e.g. 100/60s,1500/3600s (the API's own).", valueName: "spec"))
    var rateLimit: String?

    @Flag(
        name: .customLong("no-progress"),
        help: "Do not show the progress line on a terminal (long waits are still printed, one line each).")
    var noProgress = false

    func validate() throws {
        guard (0.1...600).contains(connectTimeout) else { throw ValidationError("--connect-timeout must be 0.1…600") }
        guard (0...86_400).contains(retryBudget) else { throw ValidationError("--retry-budget must be 0…86400") }
        if let proxy, ProxyConfiguration.redacted(proxy) != proxy {
            throw ValidationError(
                "--proxy holds a password, which every user of this machine can read in the process list; give "
                    + "http://USER@host:port and put the password in a file named by MDE_LEDGER_PROXY_PASSWORD_FILE")
        }
        if let rateLimit {
            do { _ = try RateLimitPolicy(parsing: rateLimit) } catch { throw ValidationError("\(error)") }
        }
    }

    /// The retry policy these options set, on top of the defaults.
    var retryPolicy: RetryPolicy {
        var policy = RetryPolicy.default
        policy.retryBudget = retryBudget
        return policy
    }

    /// The HTTP clients for this run: `--proxy` or the proxy variables, `--ca-file`, `--connect-timeout`.
    func httpClient(environment: [String: String]) throws -> MDEHTTPClient {
        var password: String?
        if let path = environment["MDE_LEDGER_PROXY_PASSWORD_FILE"], !path.isEmpty {
            do {
                password = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw MDEConfigurationError(
                    "cannot read MDE_LEDGER_PROXY_PASSWORD_FILE \(path) (\(error.localizedDescription)); "
                        + "give a readable file holding the proxy password")
            }
        }
        let proxies = try ProxyConfiguration(environment: environment, option: proxy, passwordFile: password)
        return try MDEHTTPClient.make(
            additionalCAFile: caFile, proxies: proxies, connectTimeout: .milliseconds(Int64(connectTimeout * 1000)))
    }

    var policy: RateLimitPolicy {
        (try? rateLimit.map { try RateLimitPolicy(parsing: $0) }) ?? .mdeDefault
    }
}

extension CredentialKind: ExpressibleByArgument {}
extension MicrosoftCloud: ExpressibleByArgument {}
extension AssertionAlgorithm: ExpressibleByArgument {}
