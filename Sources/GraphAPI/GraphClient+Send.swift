import AzureAccess
import Foundation

extension GraphClient {
    /// One collection, page by page through `@odata.nextLink` only (never `$skip`, which Graph's Intune
    /// collections ignore), asking `$count=true`; a listing that ends short of its count throws
    /// `GraphListingError`.
    func list<Item: Sendable>(
        _ version: GraphVersion, _ path: String, permission: String, query: [String], count: Bool = true,
        decode: (JSONValue) throws -> Item
    ) async throws -> GraphListing<Item> {
        let endpoint = "/\(version.rawValue)\(path)"
        let parameters = query + (count ? ["$count=true"] : [])
        var url = endpoints.baseURL.absoluteString + endpoint
        if !parameters.isEmpty { url += "?" + parameters.joined(separator: "&") }
        var listing = GraphListing<Item>(items: [], count: nil, serverDate: nil, pages: 0)
        var seen = Set<String>()
        var requested = Set<String>()
        var next: String? = url
        while let link = next {
            guard requested.insert(link).inserted else {
                throw GraphAPIError(
                    status: nil, endpoint: endpoint,
                    message: "Graph sent an @odata.nextLink that was already fetched; paging stopped")
            }
            let response = try await send(endpoint: endpoint, url: link, permission: permission)
            listing.pages += 1
            if listing.pages == 1 { listing.serverDate = response.serverDate }
            let place = "page \(listing.pages) of \(endpoint)"
            guard case .array(let values) = response.json["value"] else {
                throw MDEDecodingError("expected an object with a 'value' array").at(place)
            }
            if listing.count == nil, case .int(let n) = response.json["@odata.count"] {
                listing.count = Int(n)
            }
            for (offset, value) in values.enumerated() {
                let item: Item
                do {
                    item = try decode(value)
                } catch let error as MDEDecodingError {
                    throw error.at("value[\(offset)]").at(place)
                }
                let id = value["id"]?.stringValue ?? ""
                if id.isEmpty || seen.insert(id).inserted { listing.items.append(item) }
            }
            next = try response.json["@odata.nextLink"]?.stringValue.map { try sameOrigin($0, endpoint: endpoint) }
        }
        if let expected = listing.count, listing.items.count < expected {
            throw GraphListingError(endpoint: endpoint, expected: expected, received: listing.items.count)
        }
        return listing
    }

    /// The nextLink as an absolute URL on Graph's own scheme, host and port: the token must not travel elsewhere.
    private func sameOrigin(_ link: String, endpoint: String) throws -> String {
        let base = endpoints.baseURL
        guard let url = URL(string: link, relativeTo: base)?.absoluteURL,
            url.scheme?.lowercased() == base.scheme?.lowercased(), url.host?.lowercased() == base.host?.lowercased(),
            url.port == base.port
        else {
            throw GraphAPIError(
                status: nil, endpoint: endpoint,
                message: "Graph sent an @odata.nextLink to another host (\(ErrorText.escaped(link))); paging stopped")
        }
        return url.absoluteString
    }

    struct Response {
        var json: JSONValue
        var serverDate: Date?
    }

    /// One GET with rate limiting, the token and MDE's retry rules: 429 → `Retry-After` (exponential backoff when
    /// absent); 5xx, transport errors and unreadable bodies → backoff within the retry budget; 401 → one new
    /// token; 403 → `GraphPermissionError`; other 4xx → `GraphAPIError`.
    func send(endpoint: String, url: String, permission: String) async throws -> Response {
        let policy = transport.retryPolicy
        var transient = TransientRetries(policy: policy, clock: transport.clock)
        var throttled = 0
        var refreshed = false
        var attempts = 0
        while true {
            if attempts > 0 { transport.count { $0.retries += 1 } }
            attempts += 1
            let (ticket, delay) = await limiter.reserve(policy: rateLimit)
            let raw: RawResponse
            let token: String
            do {
                try await transport.wait(seconds: delay.seconds, reason: "rate limit")
                token = try await tokens.token()
                transport.count { $0.calls += 1 }
                raw = try await transport.execute(
                    method: "GET", url: url,
                    headers: [
                        ("Authorization", "Bearer \(token)"), ("Accept", "application/json"),
                        // $count on directory collections needs it; Intune ignores it.
                        ("ConsistencyLevel", "eventual"),
                    ], body: nil)
                await limiter.complete(ticket)
            } catch let error as ResponseTooLarge {
                await limiter.complete(ticket)
                throw GraphAPIError(status: nil, endpoint: endpoint, message: error.description)
            } catch let error as any PermanentTransportError {
                await limiter.complete(ticket)
                throw GraphAPIError(status: nil, endpoint: endpoint, message: error.description)
            } catch let error as MDETokenError {
                await limiter.complete(ticket)
                throw error
            } catch {
                await limiter.complete(ticket)
                try Task.checkCancellation()
                guard let wait = transient.next() else {
                    throw GraphAPIError(
                        status: nil, endpoint: endpoint, message: "\(error)",
                        hint: transient.gaveUp("check the network"))
                }
                try await transport.wait(
                    seconds: wait, reason: "retry \(transient.count) of \(policy.maxRetries) after a connection error")
                continue
            }
            switch raw.status {
            case 200:
                do {
                    return Response(json: try JSONValue.parse(raw.body), serverDate: raw.serverDate)
                } catch let error as MDEDecodingError {
                    guard let wait = transient.next() else {
                        throw GraphAPIError(
                            status: 200, endpoint: endpoint,
                            message: "the response body does not parse (\(error.problem))",
                            hint: transient.gaveUp("try again later"))
                    }
                    try await transport.wait(
                        seconds: wait,
                        reason: "retry \(transient.count) of \(policy.maxRetries) after an unreadable response")
                }
            case 401 where !refreshed:
                refreshed = true
                await tokens.invalidate(token)
            case 401:
                throw error(
                    raw, endpoint,
                    hint: "a fresh token was refused too; check that the token scope is Graph's (\(endpoints.scope)) "
                        + "and not another API's")
            case 403:
                let body = Self.errorBody(raw.body)
                throw GraphPermissionError(permission: permission, endpoint: endpoint, message: body.message)
            case 429:
                transport.count { $0.throttled += 1 }
                guard throttled < policy.maxThrottledRetries else {
                    throw error(raw, endpoint, hint: "still throttled after \(throttled) retries; run again later")
                }
                throttled += 1
                try await transport.wait(
                    seconds: retryAfter(raw, attempt: throttled), reason: "throttled by Graph (429)")
            case 500...599:
                let preferred = raw.retryAfter.map { _ in retryAfter(raw, attempt: 1) }
                guard let wait = transient.next(preferred: preferred) else {
                    throw error(raw, endpoint, hint: transient.gaveUp("try again later"))
                }
                try await transport.wait(
                    seconds: wait, reason: "retry \(transient.count) of \(policy.maxRetries) after \(raw.status)")
            default:
                throw error(raw, endpoint, hint: nil)
            }
        }
    }

    /// `Retry-After` (seconds or a date), capped by the policy; without one, exponential backoff from the
    /// policy's base delay, since Intune sometimes throttles without saying how long.
    private func retryAfter(_ raw: RawResponse, attempt: Int) -> Double {
        let policy = transport.retryPolicy
        if let seconds = raw.retryAfter.flatMap({ HTTPDate.retryAfterSeconds($0, serverDate: raw.serverDate) }) {
            return min(seconds, policy.maxRetryAfter)
        }
        return min(policy.backoff(retry: attempt), policy.maxRetryAfter)
    }

    private func error(_ raw: RawResponse, _ endpoint: String, hint: String?) -> GraphAPIError {
        let body = Self.errorBody(raw.body)
        return GraphAPIError(
            status: raw.status, endpoint: endpoint, code: body.code, message: body.message,
            requestId: body.requestId, hint: hint)
    }

    /// Graph's `{"error":{"code","message","innerError":{"request-id"}}}`, escaped; the start of any other body.
    static func errorBody(_ data: Data) -> (code: String?, message: String?, requestId: String?) {
        guard let error = (try? JSONValue.parse(data))?["error"] else {
            guard !data.isEmpty else { return (nil, nil, nil) }
            let text = String(decoding: data.prefix(200), as: UTF8.self)
            return (nil, ErrorText.escaped(text.split(whereSeparator: \.isNewline).joined(separator: " ")), nil)
        }
        let inner = error["innerError"] ?? error["innererror"]
        return (
            error["code"]?.stringValue.map { ErrorText.escaped($0) },
            error["message"]?.stringValue.map { ErrorText.escaped($0) },
            inner?["request-id"]?.stringValue.map { ErrorText.escaped($0) }
        )
    }
}
