import AzureAccess
import Foundation

/// One API call as the client's methods describe it.
struct APIRequest: Sendable {
    var method: String
    /// The path for messages and, unless `url` is set, for the request (`/api/machines`).
    var path: String
    /// The full URL when it is not `baseURL + path` (a query, or an `@odata.nextLink`).
    var url: String?
    var body: Data?
    var accepted: Set<Int> = [200]
    /// A 404 answer is returned (with a `null` body) instead of thrown.
    var notFoundIsAnswer = false
    /// Safe to send twice: transport errors, 5xx and unreadable bodies are retried.
    var idempotent = true
    /// The application permission the call needs, for 401/403 hints.
    var permission = "Machine.Read.All"
    var hint404: String?
}

struct APIResponse: Sendable {
    var status: Int
    var json: JSONValue
    var serverDate: Date?
    /// For a list, each item of `value` as received (see `JSONValue.parseList`).
    var itemTexts: [String]? = nil
}

extension MDEClient {
    /// Sends one API call with rate limiting, the token, and the retry rules of issue #3:
    /// 429 → wait `Retry-After`; 5xx, transport errors and unreadable bodies → bounded backoff (idempotent calls
    /// only); 401 → one token refresh; other 4xx → no retry.
    func send(_ request: APIRequest) async throws -> APIResponse {
        let policy = transport.retryPolicy
        var transient = TransientRetries(policy: policy, clock: transport.clock)
        var throttledRetries = 0
        var refreshedToken = false
        var attempts = 0
        func failure(_ status: Int?, _ message: String?, hint: String?, body: Data? = nil) -> MDEAPIError {
            MDEAPIError(
                status: status, method: request.method, endpoint: request.path, message: message, hint: hint,
                body: body.map(Self.bodyText))
        }
        while true {
            if attempts > 0 { transport.count { $0.retries += 1 } }
            attempts += 1
            let ticket = try await takeSlot()
            let token: String
            do {
                token = try await tokens.token()
            } catch {
                await limiter.complete(ticket)
                throw error
            }
            transport.count { $0.calls += 1 }
            let sent = await execute(request, token: token)
            await limiter.complete(ticket)
            let response: RawResponse
            do {
                response = try sent.get()
            } catch let error as any PermanentTransportError {
                throw failure(nil, error.description, hint: nil)
            } catch {
                try Task.checkCancellation()
                guard request.idempotent else {
                    throw failure(nil, "\(error)", hint: Self.notIdempotentHint)
                }
                guard let wait = transient.next() else {
                    throw failure(nil, "\(error)", hint: transient.gaveUp("check the network"))
                }
                transport.logger.warning("\(request.method) \(request.path): \(error); retrying")
                try await transport.wait(
                    seconds: wait,
                    reason: "retry \(transient.count) of \(policy.maxRetries) after a connection error")
                continue
            }
            let status = response.status
            if request.accepted.contains(status) || (status == 404 && request.notFoundIsAnswer) {
                if status == 404 { return APIResponse(status: status, json: .null, serverDate: response.serverDate) }
                if let type = response.contentType, !type.lowercased().contains("json") {
                    // A proxy's login page or a captive portal answers 200 too; retrying would not change it.
                    throw failure(
                        status, "the response is \(ErrorText.quoted(type)), not JSON",
                        hint: "check the API base URL and any proxy between here and the service")
                }
                do {
                    let (json, itemTexts) = try JSONValue.parseList(response.body)
                    return APIResponse(
                        status: status, json: json, serverDate: response.serverDate, itemTexts: itemTexts)
                } catch let error as MDEDecodingError {
                    guard request.idempotent, let wait = transient.next() else {
                        throw failure(
                            status, "the response body does not parse (\(error.problem))",
                            hint: request.idempotent ? transient.gaveUp("try again later") : Self.notIdempotentHint,
                            body: response.body)
                    }
                    transport.logger.warning("\(request.method) \(request.path): unreadable body; retrying")
                    try await transport.wait(
                        seconds: wait,
                        reason: "retry \(transient.count) of \(policy.maxRetries) after an unreadable response")
                    continue
                }
            }
            switch status {
            case 300...399:
                throw failure(
                    status,
                    "the service answered with a redirect to \(ErrorText.quoted(response.location ?? "nowhere"))",
                    hint: "redirects are never followed (they could take the token elsewhere); use the final URL as "
                        + "the API base URL if you trust it")
            case 401 where !refreshedToken:
                // The token may have been revoked or expired early; one fresh token settles it.
                refreshedToken = true
                await tokens.invalidate(token)
                transport.logger.notice("\(request.method) \(request.path): 401; fetching a new token")
                continue
            case 429:
                transport.count { $0.throttled += 1 }
                guard throttledRetries < policy.maxThrottledRetries else {
                    throw apiError(
                        response, request,
                        hint: "still throttled after \(throttledRetries) retries; wait a while and run again")
                }
                throttledRetries += 1
                let seconds = retryAfter(response)
                transport.logger.warning("\(request.method) \(request.path): 429; waiting \(seconds) s")
                try await transport.wait(seconds: seconds, reason: "throttled by the service (429)")
                continue
            case 500...599 where request.idempotent:
                guard let seconds = transient.next(preferred: response.retryAfter.map { _ in retryAfter(response) })
                else { throw apiError(response, request, hint: transient.gaveUp("try again later")) }
                transport.logger.warning("\(request.method) \(request.path): \(status); retrying")
                try await transport.wait(
                    seconds: seconds, reason: "retry \(transient.count) of \(policy.maxRetries) after \(status)")
                continue
            default:
                throw apiError(response, request, hint: hint(status: status, request, retries: transient.count))
            }
        }
    }

    /// Takes a rate-limit slot and waits for its start. The caller passes the ticket to `limiter.complete` once
    /// the call completes in any way, so the limiter counts the call from then (see `SlidingWindowSchedule`).
    private func takeSlot() async throws -> Int {
        let (ticket, delay) = await limiter.reserve(policy: rateLimit)
        do {
            try await transport.wait(seconds: delay.seconds, reason: "rate limit")
        } catch {
            await limiter.complete(ticket)
            throw error
        }
        return ticket
    }

    private func execute(_ request: APIRequest, token: String) async -> Result<RawResponse, any Error> {
        var headers = [("Authorization", "Bearer \(token)")]
        if request.body != nil { headers.append(("Content-Type", "application/json")) }
        do {
            return .success(
                try await transport.execute(
                    method: request.method, url: request.url ?? endpoints.baseURL.absoluteString + request.path,
                    headers: headers, body: request.body))
        } catch {
            return .failure(error)
        }
    }

    static let notIdempotentHint =
        "the request may have reached the service; check the machine's actions before sending it again"

    /// The `Retry-After` wait, defaulted and capped by the retry policy.
    private func retryAfter(_ response: RawResponse) -> Double {
        let policy = transport.retryPolicy
        let seconds = response.retryAfter.flatMap { HTTPDate.retryAfterSeconds($0, serverDate: response.serverDate) }
        return min(seconds ?? policy.defaultRetryAfter, policy.maxRetryAfter)
    }

    private func hint(status: Int, _ request: APIRequest, retries: Int) -> String? {
        switch status {
        case 401:
            return "a fresh token was refused too; check the app's API permissions (\(request.permission)) "
                + "and admin consent"
        case 403: return "check the app's API permissions (\(request.permission)) and admin consent"
        case 404: return request.hint404
        case 500...599:
            return request.idempotent ? "gave up after \(retries) retries; try again later" : Self.notIdempotentHint
        default: return nil
        }
    }

    /// An error from a response, with the service's `{"error":{code,message,target}}` when the body has one.
    private func apiError(_ response: RawResponse, _ request: APIRequest, hint: String?) -> MDEAPIError {
        let error = (try? JSONValue.parse(response.body))?["error"]
        var message = error?["message"]?.stringValue
        if message == nil, error == nil, !response.body.isEmpty {
            // Not the documented shape (a proxy's HTML page, plain text): show its start, on one line.
            let text = String(decoding: response.body.prefix(200), as: UTF8.self)
            message = ErrorText.escaped(text.split(whereSeparator: \.isNewline).joined(separator: " "))
        }
        return MDEAPIError(
            status: response.status, method: request.method, endpoint: request.path,
            code: error?["code"]?.stringValue.map { ErrorText.escaped($0) },
            message: message.map { ErrorText.escaped($0) },
            target: error?["target"]?.stringValue.map { ErrorText.escaped($0) }, hint: hint,
            body: Self.bodyText(response.body))
    }

    /// A response body as an error keeps it: its start, escaped (a proxy's page or a server's trace can hold
    /// anything).
    static func bodyText(_ body: Data) -> String {
        ErrorText.escaped(
            String(decoding: body.prefix(MDEAPIError.bodyLimit * 4), as: UTF8.self), limit: MDEAPIError.bodyLimit)
    }
}
