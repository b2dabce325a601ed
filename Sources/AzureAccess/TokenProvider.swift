import Foundation

/// Where tokens come from: the OAuth2 token URL (unused by a managed identity) and the scope they are for.
package struct TokenEndpoint: Sendable, Hashable {
    package var url: URL
    package var scope: String

    package init(url: URL, scope: String) {
        self.url = url
        self.scope = scope
    }
}

/// Fetches and caches the OAuth2 client-credentials token; concurrent callers share one refresh.
package actor TokenProvider {
    struct Token {
        var value: String
        var refreshAt: Double
    }

    private let endpoints: TokenEndpoint
    private let credentials: ClientCredentials
    private let transport: HTTPTransport
    private var current: Token?
    private var refreshing: Task<Token, any Error>?

    package nonisolated let credentialKind: CredentialKind

    package init(endpoints: TokenEndpoint, credentials: ClientCredentials, transport: HTTPTransport) {
        credentialKind = credentials.kind
        self.endpoints = endpoints
        self.credentials = credentials
        self.transport = transport
    }

    /// A token valid for a while yet: the cached one, or a new one.
    package func token() async throws -> String {
        if let current, transport.clock.now() < current.refreshAt { return current.value }
        if let refreshing { return try await refreshing.value.value }
        let task = Task { [endpoints, credentials, transport] in
            try await Self.fetch(endpoints: endpoints, credentials: credentials, transport: transport)
        }
        refreshing = task
        defer { refreshing = nil }
        let token = try await task.value
        current = token
        return token.value
    }

    /// Forgets `token` after the API refused it, unless another caller already replaced it.
    package func invalidate(_ token: String) {
        if current?.value == token { current = nil }
    }

    private static func fetch(
        endpoints: TokenEndpoint, credentials: ClientCredentials, transport: HTTPTransport
    ) async throws -> Token {
        if let identity = credentials.managedIdentity {
            return try await fetch(identity, scope: endpoints.scope, transport: transport)
        }
        let policy = transport.retryPolicy
        var retries = TransientRetries(policy: policy, clock: transport.clock)
        while true {
            // Built for each attempt: a signed assertion is single-use (its jti), and an attempt whose answer was
            // lost may have used it up already.
            let form = try tokenForm(credentials, audience: endpoints.url.absoluteString, scope: endpoints.scope)
            transport.count { $0.tokenRequests += 1 }
            let started = transport.clock.now()
            let response: RawResponse
            do {
                response = try await transport.execute(
                    method: "POST", url: endpoints.url.absoluteString,
                    headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Data(form.utf8))
            } catch let error as any PermanentTransportError {
                throw MDETokenError(status: nil, error: nil, errorDescription: error.description, hint: nil)
            } catch {
                try Task.checkCancellation()
                guard let wait = retries.next() else {
                    throw MDETokenError(
                        status: nil, error: nil, errorDescription: "\(error)",
                        hint: retries.gaveUp("check the network and the token URL"))
                }
                try await transport.wait(seconds: wait, reason: "token endpoint unreachable")
                continue
            }
            let json = try? JSONValue.parse(response.body)
            if response.status == 200, let token = token(from: json, started: started) { return token }
            if (300...399).contains(response.status) {
                // Following it would send the form, secret included, to wherever the Location points.
                throw MDETokenError(
                    status: response.status, error: nil,
                    errorDescription: "redirect to \(ErrorText.quoted(response.location ?? "nowhere")) refused",
                    hint: "redirects are never followed (they would carry the client secret); use the final URL "
                        + "as the token URL if you trust it")
            }
            // Entra's throttling names its wait; it counts against the retry budget like any other.
            let retryAfter = response.retryAfter.flatMap {
                HTTPDate.retryAfterSeconds($0, serverDate: response.serverDate).map { min($0, policy.maxRetryAfter) }
            }
            if response.status == 429 || response.status >= 500, let wait = retries.next(preferred: retryAfter) {
                try await transport.wait(seconds: wait, reason: "token endpoint busy")
                continue
            }
            let description = json?["error_description"]?.stringValue?
                .split(whereSeparator: \.isNewline).first.map(String.init)
            throw MDETokenError(
                status: response.status, error: json?["error"]?.stringValue.map { ErrorText.escaped($0) },
                errorDescription: description.map { ErrorText.escaped($0) }
                    ?? (json == nil ? "the response is not JSON" : nil),
                hint: hint(status: response.status))
        }
    }

    /// The token of a successful answer, registered as a secret, to be refreshed 5 minutes before it expires (a
    /// short-lived one at half its life). `expires_in` is a number from the v2 endpoint and a string from v1 and
    /// IMDS; App Service sends only `expires_on`, in Unix seconds.
    static func token(from json: JSONValue?, started: Double) -> Token? {
        guard let token = json?["access_token"]?.stringValue, !token.isEmpty else { return nil }
        Secrets.register(token)
        let lifetime =
            json?["expires_in"]?.stringValue.flatMap(Double.init)
            ?? json?["expires_on"]?.stringValue.flatMap(Double.init).map { $0 - Date().timeIntervalSince1970 }
            ?? 3_600
        let usable = lifetime > 600 ? lifetime - 300 : max(lifetime / 2, 0)
        return Token(value: token, refreshAt: started + usable)
    }

    private static func hint(status: Int) -> String {
        switch status {
        case 200: return "the response has no access_token; check the token URL"
        case 400, 401: return "check AZURE_TENANT_ID, AZURE_CLIENT_ID and the client secret"
        case 404: return "check the token URL and AZURE_TENANT_ID"
        default: return "try again later"
        }
    }

    /// `application/x-www-form-urlencoded` value encoding: everything but unreserved characters is escaped.
    /// The client-credentials form: the secret, or the federated token file's current contents as a client
    /// assertion (re-read for every token: the platform rotates the file).
    static func tokenForm(_ credentials: ClientCredentials, audience: String, scope: String) throws -> String {
        var fields = [("grant_type", "client_credentials"), ("client_id", credentials.clientId)]
        if let certificate = credentials.certificate {
            fields += [
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                (
                    "client_assertion",
                    try certificate.assertion(
                        clientId: credentials.clientId, audience: audience, now: Date())
                ),
            ]
        } else if let path = credentials.federatedTokenFile {
            let assertion: String
            do {
                assertion = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)
            } catch {
                throw MDETokenError(
                    status: nil, error: nil,
                    errorDescription: "cannot read AZURE_FEDERATED_TOKEN_FILE \(path) (\(error.localizedDescription))",
                    hint: "check that the workload identity webhook projected the token into the pod")
            }
            guard !assertion.isEmpty else {
                throw MDETokenError(
                    status: nil, error: nil, errorDescription: "AZURE_FEDERATED_TOKEN_FILE \(path) is empty",
                    hint: "check that the workload identity webhook projected the token into the pod")
            }
            Secrets.register(assertion)
            fields += [
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", assertion),
            ]
        } else {
            fields.append(("client_secret", credentials.clientSecret))
        }
        fields.append(("scope", scope))
        return fields.map { "\($0)=\(formEncoded($1))" }.joined(separator: "&")
    }

    static func formEncoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: QueryEncoding.unreserved) ?? value
    }
}

package enum QueryEncoding {
    /// RFC 3986 unreserved characters; everything else is percent-encoded in query values and form fields.
    package static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
