import Foundation
import MDEAPI

/// Where one tenant's API and token endpoint live (the `tenants` row's `region`, `base_url`, `token_url`).
///
/// Unset values fall back, in the sync, to `MDE_API_BASE_URL` / `MDE_TOKEN_URL` and then the defaults.
public struct TenantAPISettings: Sendable, Hashable {
    /// `eu`, `us`, `uk`, `au` or `swa`: the regional API host (mde-api.md §2).
    public var region: String?
    /// An explicit API base URL; wins over `region`.
    public var baseURL: String?
    /// An explicit OAuth2 token endpoint (sovereign clouds, the simulator).
    public var tokenURL: String?

    public init(region: String? = nil, baseURL: String? = nil, tokenURL: String? = nil) {
        self.region = region
        self.baseURL = baseURL
        self.tokenURL = tokenURL
    }

    /// The regional API hosts Microsoft lists as "use a server closer to your geo location".
    public static let regionHosts: [String: String] = [
        "eu": "https://eu.api.security.microsoft.com", "us": "https://us.api.security.microsoft.com",
        "uk": "https://uk.api.security.microsoft.com", "au": "https://au.api.security.microsoft.com",
        "swa": "https://swa.api.security.microsoft.com",
    ]

    /// The stored base URL, else the region's host, else nil (the caller's default applies).
    public var effectiveBaseURL: String? { baseURL ?? region.flatMap { Self.regionHosts[$0] } }

    /// A region name, lower-cased.
    /// - Throws: `LedgerError` listing the known regions.
    public static func checkedRegion(_ text: String) throws -> String {
        let region = text.lowercased()
        guard regionHosts[region] != nil else {
            throw LedgerError(
                "unknown region '\(text)'; use one of \(regionHosts.keys.sorted().joined(separator: ", "))")
        }
        return region
    }

    /// A URL the client would accept: https, or plain http to a loopback host only.
    /// - Throws: `LedgerError` with the client's reason.
    public static func checkedURL(_ text: String, name: String) throws -> String {
        do {
            let url = try MDEEndpoints(baseURL: text, tokenURL: text).baseURL
            return url.absoluteString
        } catch let error as MDEConfigurationError {
            throw LedgerError("\(name): \(error.message)")
        }
    }
}
