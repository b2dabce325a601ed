import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// One HTTP exchange as the client needs it: status, `Date` and `Retry-After` headers, and the whole body.
struct RawResponse: Sendable {
    var status: Int
    var serverDate: Date?
    var retryAfter: String?
    var body: Data
    /// The `Location` header of a redirect, which is never followed.
    var location: String? = nil
    var contentType: String? = nil
}

/// The whole exchange, body included, took longer than `RetryPolicy.requestTimeout`.
struct RequestTimedOut: Error, CustomStringConvertible {
    var timeout: Duration
    var description: String { "no complete response within \(timeout) (the request timeout)" }
}

/// A response body larger than `RetryPolicy.maxResponseBytes`; not retried (the server would send it again).
struct ResponseTooLarge: Error, CustomStringConvertible {
    var limit: Int
    var description: String {
        "the response body is larger than \(limit / 1_048_576) MB (the limit); "
            + "check that the URL is the MDE API, or raise the limit with --max-response-mb"
    }
}

/// Sends single requests and keeps the shared counters, observer and waiting logic of one `MDEClient`.
final class HTTPTransport: Sendable {
    let httpClient: HTTPClient
    let logger: Logger
    let retryPolicy: RetryPolicy
    let statistics = LockedBox(MDECallStatistics())
    let waitObserver = LockedBox<(@Sendable (String) -> Void)?>(nil)
    let clock: APIClock

    init(httpClient: HTTPClient, logger: Logger, retryPolicy: RetryPolicy, clock: APIClock) {
        self.clock = clock
        self.httpClient = httpClient
        self.logger = logger
        self.retryPolicy = retryPolicy
    }

    /// Sends one request; throws transport errors as they come (the caller decides about retries).
    ///
    /// The request timeout covers the body too: a server that sends one byte a second defeats a read timeout,
    /// and the client's own deadline stops at the response head.
    func execute(
        method: String, url: String, headers: [(String, String)], body: Data?
    ) async throws -> RawResponse {
        let timeout = retryPolicy.requestTimeout
        return try await withThrowingTaskGroup(of: RawResponse?.self) { group in
            group.addTask { try await self.exchange(method: method, url: url, headers: headers, body: body) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let response = try await group.next() ?? nil else { throw RequestTimedOut(timeout: timeout) }
            return response
        }
    }

    private func exchange(
        method: String, url: String, headers: [(String, String)], body: Data?
    ) async throws -> RawResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "mde-ledger")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let timeout = retryPolicy.requestTimeout.components
        let milliseconds = timeout.seconds * 1_000 + timeout.attoseconds / 1_000_000_000_000_000
        let response = try await httpClient.execute(request, timeout: .milliseconds(milliseconds), logger: logger)
        let limit = retryPolicy.maxResponseBytes
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limit {
            throw ResponseTooLarge(limit: limit)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await response.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw ResponseTooLarge(limit: limit)
        }
        return RawResponse(
            status: Int(response.status.code),
            serverDate: response.headers.first(name: "Date").flatMap(HTTPDate.parse),
            retryAfter: response.headers.first(name: "Retry-After"),
            body: Data(buffer.readableBytesView), location: response.headers.first(name: "Location"),
            contentType: response.headers.first(name: "Content-Type"))
    }

    func count(_ update: (inout MDECallStatistics) -> Void) {
        statistics.withLock { update(&$0) }
    }

    /// Sleeps `seconds`, counting the wait and telling the observer when it is long enough to notice.
    func wait(seconds: Double, reason: String) async throws {
        guard seconds > 0 else { return }
        count { $0.waitedSeconds += seconds }
        if seconds >= 1 {
            let text = "waiting \(Int(seconds.rounded(.up))) s (\(reason))"
            // An observer shows the wait itself (a CLI's progress line); logging it too would show it twice.
            if let observer = waitObserver.withLock({ $0 }) { observer(text) } else { logger.notice("\(text)") }
        }
        try await clock.sleep(seconds)
    }
}
