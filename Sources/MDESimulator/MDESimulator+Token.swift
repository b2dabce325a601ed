import Foundation

/// The Entra ID v2.0 client-credentials token endpoint, with AAD's error codes for the usual mistakes.
extension MDESimulator {
    /// Scopes that yield an MDE token in the commercial cloud (the documented one and the alias in Microsoft's
    /// curl sample).
    public static let commercialScopes: Set<String> = [
        "https://api.securitycenter.microsoft.com/.default",
        "https://securitycenter.onmicrosoft.com/windowsatpservice/.default",
    ]
    /// The commercial Microsoft Graph scope.
    public static let commercialGraphScopes: Set<String> = ["https://graph.microsoft.com/.default"]
    /// The US Government Graph scopes (GCC High, DoD), for `SimulatorConfiguration.graphScopes`.
    public static let governmentGraphScopes: Set<String> = [
        "https://graph.microsoft.us/.default", "https://dod-graph.microsoft.us/.default",
    ]
    /// Every Graph application permission the simulator's Graph routes check.
    public static let allGraphPermissions: Set<String> = [
        "DeviceManagementManagedDevices.Read.All", "Device.Read.All", "DeviceManagementApps.Read.All",
        "Organization.Read.All", "User.Read.All",
    ]
    /// The Defender XDR resource: AAD issues a token, but MDE's machine API refuses it with 403.
    static let otherScopes: Set<String> = ["https://api.security.microsoft.com/.default"]

    /// Real seconds a token stays valid (Entra says 3599).
    static let tokenLifetime: Int = 3599

    func issueToken(tenant: String, _ request: SimRequest) -> SimReply {
        guard tenant.lowercased() == configuration.tenantId.lowercased() else {
            return .oauthError(
                400, "invalid_request",
                "AADSTS90002: Tenant '\(tenant)' not found. Check to make sure you have the correct tenant ID "
                    + "and are signing into the correct cloud.")
        }
        let form = FormDecoding.pairs(String(decoding: request.body, as: UTF8.self))
        func value(_ name: String) -> String? { form.first { $0.name == name }?.value }
        guard let grant = value("grant_type"), grant == "client_credentials" else {
            return .oauthError(
                400, "unsupported_grant_type",
                "AADSTS70003: The app requested an unsupported grant type '\(value("grant_type") ?? "")'.")
        }
        let clientId = value("client_id") ?? ""
        guard clientId == configuration.clientId else {
            return .oauthError(
                401, "invalid_client",
                "AADSTS700016: Application with identifier '\(clientId)' was not found in the directory "
                    + "'\(configuration.tenantId)'.")
        }
        if let assertion = value("client_assertion") {
            let type = value("client_assertion_type")
            guard type == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" else {
                return .oauthError(
                    400, "invalid_request",
                    "AADSTS700011: client_assertion_type '\(type ?? "")' is not supported; use "
                        + "urn:ietf:params:oauth:client-assertion-type:jwt-bearer.")
            }
            guard value("client_secret") == nil else {
                return .oauthError(
                    400, "invalid_request", "AADSTS700025: Send either a client secret or a client assertion, not both."
                )
            }
            let audience = "http://\(request.host ?? "127.0.0.1")\(request.path)"
            if !configuration.certificates.isEmpty, assertion.split(separator: ".").count == 3,
                !configuration.federatedTokens.contains(assertion)
            {
                if let refusal = checkCertificateAssertion(assertion, clientId: clientId, audience: audience) {
                    return .oauthError(401, "invalid_client", refusal)
                }
            } else if !configuration.federatedTokens.contains(assertion) {
                return .oauthError(
                    401, "invalid_client",
                    "AADSTS700211: No matching federated identity record found for presented assertion issuer. "
                        + "Check the app's federated credentials.")
            }
        } else if !configuration.allowsClientSecret || value("client_secret") != configuration.clientSecret {
            return .oauthError(
                401, "invalid_client",
                "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is "
                    + "the client secret value, not the client secret ID, for a secret added to app "
                    + "'\(clientId)'.")
        }
        guard let scope = value("scope") else {
            return .oauthError(
                400, "invalid_request", "AADSTS90014: The required field 'scope' is missing from the credential.")
        }
        let forMDE = configuration.scopes.contains(scope.lowercased())
        let forGraph = configuration.graphScopes.contains(scope.lowercased())
        guard forMDE || forGraph || Self.otherScopes.contains(scope.lowercased()) else {
            return .oauthError(
                400, "invalid_scope",
                "AADSTS1002012: The provided value for scope \(scope) is not valid. Client credential flows must "
                    + "have a scope value with /.default suffixed to the resource identifier; MDE uses "
                    + "https://api.securitycenter.microsoft.com/.default.")
        }
        let token = mintToken(clientId: clientId, forMDE: forMDE, forGraph: forGraph)
        var w = JSONWriter()
        w.beginObject()
        w.field("token_type", "Bearer")
        w.field("expires_in", Self.tokenLifetime)
        w.field("ext_expires_in", Self.tokenLifetime)
        w.field("access_token", token)
        w.endObject()
        var reply = SimReply.json(200, w, contentType: "application/json; charset=utf-8")
        reply.headers.append(("Cache-Control", "no-store, no-cache"))
        return reply
    }

    /// A new bearer token for `clientId`, remembered until it expires.
    func mintToken(clientId: String, forMDE: Bool, forGraph: Bool = false) -> String {
        state.withLock { state in
            state.tokensIssued += 1
            var rng = SplitMix64(seed: configuration.seed ^ (state.tokensIssued &* 0x9E37_79B9_7F4A_7C15))
            let token = "sim.\(state.tokensIssued).\(rng.hex(48))"
            // A token-ttl fault makes tokens die early while the response still promises the usual hour.
            let lifetime = state.faults.tokenLifetime ?? Double(Self.tokenLifetime)
            state.tokens[token] = IssuedToken(
                clientId: clientId, expires: .now + .seconds(lifetime), forMDE: forMDE, forGraph: forGraph)
            return token
        }
    }

    enum Authorization {
        case client(String)
        case denied(SimReply)
    }

    /// The client id of a live MDE token, or the 401/403 MDE would send.
    func authorize(_ request: SimRequest, target: String) -> Authorization {
        guard let header = request.authorization, header.lowercased().hasPrefix("bearer ") else {
            return .denied(
                .mdeError(401, "Unauthorized", "Authorization header is missing or not a Bearer token.", target: target)
            )
        }
        let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let issued = state.withLock({ $0.tokens[token] }) else {
            return .denied(.mdeError(401, "Unauthorized", "The access token is invalid.", target: target))
        }
        guard issued.expires > .now else {
            return .denied(.mdeError(401, "Unauthorized", "The access token has expired.", target: target))
        }
        guard issued.forMDE else {
            return .denied(
                .mdeError(
                    403, "Forbidden",
                    "The application does not have any of the required application permissions "
                        + "(Machine.Read.All, Machine.ReadWrite.All) to access the resource.", target: target))
        }
        return .client(issued.clientId)
    }
}
