import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One HTTP exchange as the client needs it: status, `Date` and `Retry-After` headers, and the whole body.
package struct RawResponse: Sendable {
    package var status: Int
    package var serverDate: Date?
    package var retryAfter: String?
    package var body: Data
    /// The `Location` header of a redirect, which is never followed.
    package var location: String? = nil
    package var contentType: String? = nil
    /// `WWW-Authenticate`: an Azure Arc identity endpoint names its key file there.
    package var challenge: String? = nil
}

/// The whole exchange, body included, took longer than `RetryPolicy.requestTimeout`.
package struct RequestTimedOut: Error, CustomStringConvertible {
    package var timeout: Duration
    package var description: String { "no complete response within \(timeout) (the request timeout)" }
}

/// A response body larger than `RetryPolicy.maxResponseBytes`; not retried (the server would send it again).
package struct ResponseTooLarge: PermanentTransportError {
    package var limit: Int
    package var description: String {
        "the response body is larger than \(limit / 1_048_576) MB (the limit); "
            + "check that the URL is the MDE API, or raise the limit with --max-response-mb"
    }
}

/// Sends single requests and keeps the shared counters, observer and waiting logic of one `MDEClient`.
package final class HTTPTransport: Sendable {
    package let http: MDEHTTPClient
    package let logger: Logger
    package let retryPolicy: RetryPolicy
    package let statistics = LockedBox(MDECallStatistics())
    package let waitObserver = LockedBox<(@Sendable (String) -> Void)?>(nil)
    package let clock: APIClock

    package init(http: MDEHTTPClient, logger: Logger, retryPolicy: RetryPolicy, clock: APIClock) {
        self.clock = clock
        self.http = http
        self.logger = logger
        self.retryPolicy = retryPolicy
    }

    /// Sends one request; throws transport errors as they come (the caller decides about retries).
    ///
    /// The request timeout covers the body too: a server that sends one byte a second defeats a read timeout,
    /// and the client's own deadline stops at the response head.
    /// - Parameter direct: never through a proxy (a managed identity's local endpoint).
    package func execute(
        method: String, url: String, headers: [(String, String)], body: Data?, direct: Bool = false
    ) async throws -> RawResponse {
        let timeout = retryPolicy.requestTimeout
        return try await withThrowingTaskGroup(of: RawResponse?.self) { group in
            group.addTask {
                try await self.exchange(method: method, url: url, headers: headers, body: body, direct: direct)
            }
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
        method: String, url: String, headers: [(String, String)], body: Data?, direct: Bool
    ) async throws -> RawResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "mde-ledger")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let timeout = retryPolicy.requestTimeout.components
        let milliseconds = timeout.seconds * 1_000 + timeout.attoseconds / 1_000_000_000_000_000
        let (client, proxy) = direct ? (http.direct, nil) : http.client(for: url)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(milliseconds), logger: logger)
        } catch let error as HTTPClientError where proxy != nil {
            throw Self.proxyError(error, proxy: proxy!, url: url)
        } catch let error as NIOSSLError {
            if case .handshakeFailed = error {
                throw TLSHandshakeFailed(host: URL(string: url)?.host ?? url, underlying: "\(error)")
            }
            throw error
        } catch let error as NIOConnectionError where proxy != nil {
            // Only the connection to the proxy is made from here; the service is reached through its tunnel.
            let reason = error.connectionErrors.lazy.compactMap { ($0.error as? IOError)?.errnoCode }.first
            throw ProxyUnreachable(
                proxy: proxy!, underlying: reason.map { String(cString: strerror($0)).lowercased() } ?? "\(error)")
        }
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
            contentType: response.headers.first(name: "Content-Type"),
            challenge: response.headers.first(name: "WWW-Authenticate"))
    }

    /// What a proxy's refusal means, naming the proxy (never its password) and the fix.
    static func proxyError(_ error: HTTPClientError, proxy: ProxyServer, url: String) -> any Error {
        let target = URL(string: url).map { "\($0.host ?? "?"):\($0.port ?? ($0.scheme == "https" ? 443 : 80))" } ?? url
        switch error {
        case .proxyAuthenticationRequired:
            return ProxyRefused(
                description: "the proxy \(proxy) asks for credentials (407)"
                    + (proxy.user == nil
                        ? "; put the user in the proxy URL (http://user@host:port) and the password in "
                            + "MDE_LEDGER_PROXY_PASSWORD_FILE"
                        : " and refused these; check the user and the password in MDE_LEDGER_PROXY_PASSWORD_FILE"))
        case .invalidProxyResponse:
            // Some proxies (tinyproxy) answer wrong credentials with 401 rather than 407; the status is not exposed.
            return ProxyRefused(
                description: "the proxy \(proxy) refused the tunnel to \(target); "
                    + (proxy.user == nil
                        ? "" : "check the user and the password in MDE_LEDGER_PROXY_PASSWORD_FILE, or ")
                    + "ask its administrators to allow CONNECT to it, or list the host in NO_PROXY if it is reached "
                    + "directly")
        case .httpProxyHandshakeTimeout:
            return ProxyUnreachable(proxy: proxy, underlying: "no answer to CONNECT \(target)")
        case .connectTimeout:
            return ProxyUnreachable(proxy: proxy, underlying: "connection timed out")
        default:
            return error
        }
    }

    package func count(_ update: (inout MDECallStatistics) -> Void) {
        statistics.withLock { update(&$0) }
    }

    /// Sleeps `seconds`, counting the wait and telling the observer when it is long enough to notice.
    package func wait(seconds: Double, reason: String) async throws {
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
