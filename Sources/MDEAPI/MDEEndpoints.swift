import AzureAccess
import Foundation

/// Where the API and the token endpoint live. Plain `http` is allowed only for loopback hosts (the simulator).
public struct MDEEndpoints: Sendable, Hashable {
    /// The documented API host (mde-api.md §2); regional and legacy hosts also work.
    public static let defaultBaseURL = "https://api.security.microsoft.com"

    /// The API base, without a trailing slash; paths such as `/api/machines` are appended.
    public var baseURL: URL
    public var tokenURL: URL
    /// The client-credentials scope: the same whichever API host of a cloud is called (`MicrosoftCloud.scope`).
    public var scope: String

    /// Validates both URLs: `https` is always accepted; plain `http` only when the host is loopback
    /// (`127.0.0.0/8`, `::1`, `localhost`), because the bearer token and the secret would travel in clear text.
    /// Pure: never connects.
    /// - Throws: `MDEConfigurationError` naming the URL and the fix.
    public init(baseURL: String, tokenURL: String, scope: String = MicrosoftCloud.public.scope) throws {
        self.baseURL = try Self.validated(baseURL, name: "API base URL")
        self.tokenURL = try Self.validated(tokenURL, name: "token URL")
        self.scope = scope
    }

    /// The Entra ID v2 token endpoint of a tenant in the commercial cloud.
    public static func defaultTokenURL(tenantId: String) -> String {
        MicrosoftCloud.public.tokenURL(tenantId: tenantId)
    }

    /// `true` for the literal loopback addresses only (`Loopback.isLiteral(host:)`).
    public static func isLoopback(host: String) -> Bool { Loopback.isLiteral(host: host) }

    static func validated(_ text: String, name: String) throws -> URL {
        try Loopback.validatedURL(text, name: name, example: defaultBaseURL)
    }
}
