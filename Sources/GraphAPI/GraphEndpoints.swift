import AzureAccess
import Foundation

/// Where Microsoft Graph and the token endpoint live for a cloud. Plain `http` is allowed only for loopback hosts
/// (the simulator), as for the MDE endpoints.
///
/// ```swift
/// let endpoints = try GraphEndpoints(cloud: .gccHigh, tenantId: tenantId)
/// // https://graph.microsoft.us, scope https://graph.microsoft.us/.default
/// ```
public struct GraphEndpoints: Sendable, Hashable {
    /// The Graph host of a cloud: public and GCC use the commercial Graph; GCC High and DoD their own hosts.
    public static func host(_ cloud: MicrosoftCloud) -> String {
        switch cloud {
        case .public, .gcc: "https://graph.microsoft.com"
        case .gccHigh: "https://graph.microsoft.us"
        case .dod: "https://dod-graph.microsoft.us"
        }
    }

    /// The client-credentials scope of a cloud's Graph: `<host>/.default`.
    public static func scope(_ cloud: MicrosoftCloud) -> String { host(cloud) + "/.default" }

    /// The Graph base, without a version or trailing slash (`https://graph.microsoft.com`).
    public var baseURL: URL
    public var tokenURL: URL
    public var scope: String

    /// Validates both URLs: `https`, or plain `http` to a literal loopback address only.
    /// - Throws: `MDEConfigurationError` naming the URL and the fix.
    public init(baseURL: String, tokenURL: String, scope: String = GraphEndpoints.scope(.public)) throws {
        self.baseURL = try Self.validated(baseURL, name: "Graph base URL")
        self.tokenURL = try Self.validated(tokenURL, name: "token URL")
        self.scope = scope
    }

    /// The documented endpoints of `cloud` for a tenant; `baseURL` overrides the Graph host (the simulator).
    public init(cloud: MicrosoftCloud, tenantId: String, baseURL: String? = nil, authorityHost: String? = nil) throws {
        try self.init(
            baseURL: baseURL ?? Self.host(cloud),
            tokenURL: cloud.tokenURL(tenantId: tenantId, authorityHost: authorityHost),
            scope: Self.scope(cloud))
    }

    static func validated(_ text: String, name: String) throws -> URL {
        try Loopback.validatedURL(text, name: name, example: host(.public))
    }
}

/// The Graph API version of a call: `v1.0`, or `beta` where a field exists only there (`managementState`).
public enum GraphVersion: String, Sendable {
    case v1 = "v1.0"
    case beta
}
