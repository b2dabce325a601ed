import Foundation

/// The managed identity endpoints: IMDS, App Service and Azure Arc, each with the headers and api-version it
/// demands, answering as they do (strings for every number).
extension MDESimulator {
    func issueIdentityToken(_ request: SimRequest) -> SimReply {
        guard let identity = configuration.managedIdentity else {
            return .oauthError(404, "not_found", "This host has no identity endpoint.")
        }
        let onAppServicePath = request.path.lowercased().hasSuffix("/msi/token")
        let expectedVersion: String
        switch identity.host {
        case .imds, .arc:
            guard !onAppServicePath else { return .oauthError(404, "not_found", "No such endpoint on this host.") }
            // IMDS refuses anything a proxy forwarded: its answer must never leave the machine.
            guard !request.forwarded else {
                return .oauthError(
                    400, "invalid_request", "Requests with X-Forwarded-For or Via headers are not allowed.")
            }
            guard request.metadata?.lowercased() == "true" else {
                return .oauthError(400, "invalid_request", "Required metadata header not specified")
            }
            expectedVersion = identity.host == .imds ? "2018-02-01" : "2020-06-01"
        case .appService(let header):
            guard onAppServicePath else { return .oauthError(404, "not_found", "No such endpoint on this host.") }
            guard request.identityHeader == header else {
                return .oauthError(401, "unauthorized", "The X-IDENTITY-HEADER is missing or wrong.")
            }
            expectedVersion = "2019-08-01"
        }
        guard request.queryValue("api-version") == expectedVersion else {
            return .oauthError(
                400, "invalid_request",
                "api-version '\(request.queryValue("api-version") ?? "")' is not supported; "
                    + "use \(expectedVersion)")
        }
        if case .arc(let folder) = identity.host, let refusal = arcChallenge(request, folder: folder) {
            return refusal
        }
        let clientId: String
        if let requested = request.queryValue("client_id") {
            guard identity.userAssigned.contains(requested) else {
                return .oauthError(400, "invalid_request", "Identity not found")
            }
            clientId = requested
        } else {
            guard let system = identity.systemAssigned else {
                return .oauthError(400, "invalid_request", "Identity not found")
            }
            clientId = system
        }
        guard let resource = request.queryValue("resource"), !resource.isEmpty else {
            return .oauthError(400, "invalid_request", "Required query variable 'resource' is missing")
        }
        let scope = resource.lowercased() + "/.default"
        let forMDE = configuration.scopes.contains(scope)
        let forGraph = configuration.graphScopes.contains(scope)
        guard forMDE || forGraph || Self.otherScopes.contains(scope) else {
            return .oauthError(
                400, "invalid_resource",
                "AADSTS500011: The resource principal named \(resource) was not found in the tenant.")
        }
        let token = mintToken(clientId: clientId, forMDE: forMDE, forGraph: forGraph)
        let expiresOn = String(Int(Date().timeIntervalSince1970) + Self.tokenLifetime)
        var w = JSONWriter()
        w.beginObject()
        w.field("access_token", token)
        w.field("client_id", clientId)
        // App Service's 2019-08-01 answer has only expires_on.
        if !onAppServicePath { w.field("expires_in", String(Self.tokenLifetime)) }
        w.field("expires_on", expiresOn)
        w.field("resource", resource)
        w.field("token_type", "Bearer")
        w.endObject()
        return .json(200, w, contentType: "application/json; charset=utf-8")
    }

    /// Azure Arc: without `Authorization`, writes a fresh key file and answers 401 naming it; with it, the key
    /// must be one handed out. Nil when the request may go on.
    private func arcChallenge(_ request: SimRequest, folder: String) -> SimReply? {
        if let header = request.authorization, header.lowercased().hasPrefix("basic ") {
            let key = String(header.dropFirst("basic ".count))
            return state.withLock({ $0.arcKeys.contains(key) })
                ? nil : .oauthError(401, "unauthorized", "The key in the Authorization header is not valid.")
        }
        let key = state.withLock { state in
            var rng = SplitMix64(seed: configuration.seed ^ UInt64(state.arcKeys.count + 1) &* 0x51_7CC1_B727_220A)
            let key = rng.hex(32)
            state.arcKeys.insert(key)
            return key
        }
        let path = URL(fileURLWithPath: folder).appendingPathComponent("\(key.prefix(8)).key").path
        do {
            try Data(key.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            return .oauthError(500, "server_error", "cannot write the key file \(path)")
        }
        var reply = SimReply.oauthError(401, "unauthorized", "Use the key in the file the challenge names.")
        reply.headers.append(("WWW-Authenticate", "Basic realm=\(path)"))
        return reply
    }
}
