import Foundation

/// An Azure managed identity (`--credential managed-identity`): the token comes from the host's identity endpoint,
/// not from Entra ID, and no secret is configured anywhere. Which endpoint follows Azure Identity's detection:
/// `IDENTITY_ENDPOINT` with `IDENTITY_HEADER` is App Service or Functions, `IDENTITY_ENDPOINT` with `IMDS_ENDPOINT`
/// is an Azure Arc server, and otherwise the VM's instance metadata service (IMDS).
public struct ManagedIdentity: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable {
        case imds = "Azure instance metadata service"
        case appService = "App Service identity endpoint"
        case arc = "Azure Arc identity endpoint"
    }

    public var source: Source
    /// The token endpoint, without a query.
    public var endpoint: URL
    /// A user-assigned identity's client id; nil asks for the system-assigned identity.
    public var clientId: String?
    /// App Service's `IDENTITY_HEADER`, sent as `X-IDENTITY-HEADER` (a secret: it is redacted like one).
    var identityHeader: String?
    /// Where an Arc agent may put the key file its challenge names (`/var/opt/azcmagent/tokens`).
    var arcKeyDirectory: String

    /// IMDS's link-local address: plain http, as on every Azure VM; it must never go through a proxy.
    public static let imdsHost = "169.254.169.254"
    static let imdsPath = "/metadata/identity/oauth2/token"
    static let defaultArcKeyDirectory = "/var/opt/azcmagent/tokens"

    /// `true` when the environment names an identity endpoint (App Service, Arc): `--credential auto` then uses
    /// it. A VM's IMDS has no such variable, and probing it from every host would be a network side effect, so
    /// IMDS needs `--credential managed-identity`.
    public static func isAnnounced(in env: [String: String]) -> Bool {
        !(env["IDENTITY_ENDPOINT"] ?? "").isEmpty
    }

    /// The identity the environment describes. `AZURE_POD_IDENTITY_AUTHORITY_HOST` replaces IMDS's address (Azure
    /// Identity's variable; tests point it at the simulator); `MDE_LEDGER_ARC_KEY_DIRECTORY` replaces the Arc key
    /// folder.
    /// - Throws: `MDEConfigurationError` for an endpoint that would carry the token request anywhere but a local
    ///   identity endpoint, or a user-assigned identity on Arc (which has none).
    public static func fromEnvironment(_ env: [String: String], clientId: String?) throws -> ManagedIdentity {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        let arcKeys = value("MDE_LEDGER_ARC_KEY_DIRECTORY") ?? defaultArcKeyDirectory
        if let endpoint = value("IDENTITY_ENDPOINT") {
            let url = try checkedEndpoint(endpoint, name: "IDENTITY_ENDPOINT")
            if let header = value("IDENTITY_HEADER") {
                Secrets.register(header)
                return ManagedIdentity(
                    source: .appService, endpoint: url, clientId: clientId, identityHeader: header,
                    arcKeyDirectory: arcKeys)
            }
            guard value("IMDS_ENDPOINT") != nil else {
                throw MDEConfigurationError(
                    "IDENTITY_ENDPOINT is set without IDENTITY_HEADER (App Service) or IMDS_ENDPOINT (Azure Arc); "
                        + "set the variables the host provides, or unset IDENTITY_ENDPOINT")
            }
            guard clientId == nil else {
                throw MDEConfigurationError(
                    "Azure Arc servers have only a system-assigned identity, but AZURE_CLIENT_ID asks for the "
                        + "user-assigned identity \(ErrorText.quoted(clientId!)); unset AZURE_CLIENT_ID")
            }
            return ManagedIdentity(source: .arc, endpoint: url, clientId: nil, arcKeyDirectory: arcKeys)
        }
        let host = value("AZURE_POD_IDENTITY_AUTHORITY_HOST") ?? "http://\(imdsHost)"
        var base = host.contains("://") ? host : "http://" + host
        while base.hasSuffix("/") { base.removeLast() }
        let url = try checkedEndpoint(base + imdsPath, name: "the IMDS endpoint")
        return ManagedIdentity(source: .imds, endpoint: url, clientId: clientId, arcKeyDirectory: arcKeys)
    }

    /// Identity endpoints are local: plain http only to loopback or IMDS's link-local address, https otherwise. Pure.
    static func checkedEndpoint(_ text: String, name: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
            url.user == nil, url.password == nil
        else {
            throw MDEConfigurationError("\(name) \(ErrorText.quoted(text)) is not an absolute URL; check the variable")
        }
        guard scheme == "https" || (scheme == "http" && (Loopback.isLiteral(host: host) || host == imdsHost))
        else {
            throw MDEConfigurationError(
                "\(name) \(ErrorText.quoted(text)) is plain http to a host that is neither loopback nor "
                    + "\(imdsHost); a managed identity's endpoint is local to the machine")
        }
        return url
    }

    /// The token request for `scope`: the resource is the scope without `/.default`.
    func request(scope: String, authorization: String? = nil) -> (url: String, headers: [(String, String)]) {
        let resource = scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) : scope
        var query = [("resource", resource)]
        var headers: [(String, String)] = []
        switch source {
        case .imds:
            query.insert(("api-version", "2018-02-01"), at: 0)
            headers.append(("Metadata", "true"))
        case .appService:
            query.insert(("api-version", "2019-08-01"), at: 0)
            headers.append(("X-IDENTITY-HEADER", identityHeader ?? ""))
        case .arc:
            query.insert(("api-version", "2020-06-01"), at: 0)
            headers.append(("Metadata", "true"))
            if let authorization { headers.append(("Authorization", "Basic \(authorization)")) }
        }
        if let clientId { query.append(("client_id", clientId)) }
        let text = query.map { "\($0)=\(TokenProvider.formEncoded($1))" }.joined(separator: "&")
        return ("\(endpoint.absoluteString)?\(text)", headers)
    }

    /// Reads the key file an Arc agent's 401 challenge names (`WWW-Authenticate: Basic realm=PATH`). The path comes
    /// from the endpoint, so it is checked as Azure Identity checks it: a `.key` file directly in the agent's token
    /// folder, at most 4096 bytes. Otherwise any process answering on the port could make us read and send any
    /// file.
    func arcKey(challenge: String?) throws -> String {
        guard let challenge, let range = challenge.range(of: "realm=", options: .caseInsensitive) else {
            throw MDETokenError(
                status: 401, error: nil, errorDescription: "the Azure Arc identity endpoint sent no key challenge",
                hint: "check that the Azure Connected Machine agent is running (azcmagent show)")
        }
        let path = String(challenge[range.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        let file = URL(fileURLWithPath: path).standardizedFileURL
        let folder = URL(fileURLWithPath: arcKeyDirectory).standardizedFileURL.path
        guard file.pathExtension == "key", file.deletingLastPathComponent().path == folder else {
            throw MDETokenError(
                status: 401, error: nil,
                errorDescription:
                    "the Azure Arc challenge names \(ErrorText.quoted(path)), not a .key file in \(folder)",
                hint: "refused: only the agent's own key files are read")
        }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw MDETokenError(
                status: 401, error: nil, errorDescription: "cannot read the Azure Arc key file \(file.path)",
                hint: "run as a user in the himds group (Linux), which may read the agent's key files")
        }
        guard data.count <= 4096, let key = String(data: data, encoding: .utf8) else {
            throw MDETokenError(
                status: 401, error: nil,
                errorDescription: "the Azure Arc key file \(file.path) is larger than 4096 bytes or not text",
                hint: "refused: an agent's key file is small")
        }
        Secrets.register(key)
        return key
    }
}
