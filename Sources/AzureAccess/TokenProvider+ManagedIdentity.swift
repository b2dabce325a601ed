import Foundation

extension TokenProvider {
    /// A token from the host's identity endpoint: always direct (IMDS refuses proxied requests, and the proxy
    /// would see the token), retried on 404, 410, 429 and 5xx as Azure Identity does, within the retry budget.
    static func fetch(_ identity: ManagedIdentity, scope: String, transport: HTTPTransport) async throws -> Token {
        var retries = TransientRetries(policy: transport.retryPolicy, clock: transport.clock)
        var arcKey: String?
        while true {
            let request = identity.request(scope: scope, authorization: arcKey)
            transport.count { $0.tokenRequests += 1 }
            let started = transport.clock.now()
            let response: RawResponse
            do {
                response = try await transport.execute(
                    method: "GET", url: request.url, headers: request.headers, body: nil, direct: true)
            } catch let error as any PermanentTransportError {
                throw MDETokenError(status: nil, error: nil, errorDescription: error.description, hint: nil)
            } catch {
                try Task.checkCancellation()
                guard let wait = retries.next() else {
                    throw MDETokenError(
                        status: nil, error: nil,
                        errorDescription:
                            "cannot reach the \(identity.source.rawValue) \(identity.endpoint) (\(error))",
                        hint: retries.gaveUp(
                            identity.source == .imds
                                ? "is this an Azure VM with a managed identity? Elsewhere use another --credential"
                                : "check that the host's identity endpoint is running"))
                }
                try await transport.wait(seconds: wait, reason: "identity endpoint unreachable")
                continue
            }
            let json = try? JSONValue.parse(response.body)
            if response.status == 200, let token = token(from: json, started: started) { return token }
            if identity.source == .arc, response.status == 401, arcKey == nil {
                arcKey = try identity.arcKey(challenge: response.challenge)
                continue
            }
            if [404, 410, 429].contains(response.status) || response.status >= 500, let wait = retries.next() {
                try await transport.wait(seconds: wait, reason: "identity endpoint busy (\(response.status))")
                continue
            }
            let message =
                json?["error_description"]?.stringValue ?? json?["message"]?.stringValue
                ?? json?["error"]?["message"]?.stringValue
            throw MDETokenError(
                status: response.status, error: json?["error"]?.stringValue.map { ErrorText.escaped($0) },
                errorDescription: message.map { ErrorText.escaped($0) }
                    ?? (json == nil ? "the \(identity.source.rawValue)'s answer is not JSON" : nil),
                hint: hint(identity, status: response.status))
        }
    }

    private static func hint(_ identity: ManagedIdentity, status: Int) -> String {
        switch status {
        case 400 where identity.clientId != nil:
            "no user-assigned identity with client id \(identity.clientId!) is assigned to this host; check "
                + "AZURE_CLIENT_ID, or unset it for the system-assigned identity"
        case 400:
            "no managed identity is assigned to this host; assign one, or set AZURE_CLIENT_ID to a user-assigned one"
        case 401, 403:
            "the identity endpoint refused the request; check IDENTITY_HEADER and that this is the host's endpoint"
        default: "try again later"
        }
    }
}
