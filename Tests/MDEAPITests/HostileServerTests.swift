import Foundation
import MDEAPI
import MDETestSupport
import Testing

/// The client against servers that misbehave on purpose (issue 12): every case ends in a clear error.
@Suite struct HostileServerTests {
    static let token = #"{"access_token":"t0k3n","token_type":"Bearer","expires_in":3599}"#

    static func client(_ server: HostileServer, policy: RetryPolicy = fastRetries) throws -> MDEClient {
        MDEClient(
            endpoints: try MDEEndpoints(baseURL: server.baseURL, tokenURL: server.baseURL + "/t/oauth2/v2.0/token"),
            credentials: ClientCredentials(tenantId: "t", clientId: "c", clientSecret: "s3cr3t-value"),
            retryPolicy: policy)
    }

    /// A server that hands out tokens and answers API calls with `api`.
    static func serving(_ api: @escaping @Sendable (HostileRequest) -> HostileReply)
        -> @Sendable (HostileRequest) -> HostileReply
    {
        { request in request.path.hasPrefix("/t/oauth2") ? .json(token) : api(request) }
    }

    @Test func tokenRedirectIsNotFollowed() async throws {
        try await withHostileServer({ _ in
            HostileReply(status: 307, headers: [("Location", "http://192.0.2.2:9/steal")])
        }) { server in
            let error = await #expect(throws: MDETokenError.self) {
                _ = try await Self.client(server).machine(id: "a")
            }
            let text = error?.description ?? ""
            #expect(text.contains("307"), "\(text)")
            #expect(text.contains("redirect to 'http://192.0.2.2:9/steal' refused"), "\(text)")
            #expect(!text.contains("s3cr3t-value"))
            #expect(server.requests.count == 1)
        }
    }

    @Test func apiRedirectIsNotFollowed() async throws {
        try await withHostileServer(
            Self.serving { _ in
                HostileReply(status: 302, headers: [("Location", "http://192.0.2.2:9/api/machines")])
            }
        ) { server in
            let error = await #expect(throws: MDEAPIError.self) {
                _ = try await collect(Self.client(server).machines())
            }
            #expect(error?.status == 302)
            #expect(error?.description.contains("redirect to 'http://192.0.2.2:9/api/machines'") == true)
            #expect(server.requests.count == 2)  // the token and one API call, no retry, no follow
        }
    }

    @Test func oversizedBodyStopsAtTheLimit() async throws {
        try await withHostileServer(Self.serving { _ in HostileReply(body: .endless(chunk: 65_536)) }) { server in
            var policy = fastRetries
            policy.maxResponseBytes = 1 << 20
            let error = await #expect(throws: MDEAPIError.self) {
                _ = try await collect(Self.client(server, policy: policy).machines())
            }
            #expect(error?.description.contains("larger than 1 MB") == true, "\(String(describing: error))")
            #expect(server.requests.count == 2)
        }
    }

    @Test func declaredOversizedBodyIsRefusedBeforeReading() async throws {
        let big = [UInt8](repeating: 0x20, count: 3 << 20)
        try await withHostileServer(Self.serving { _ in HostileReply(body: .bytes(big)) }) { server in
            var policy = fastRetries
            policy.maxResponseBytes = 1 << 20
            let error = await #expect(throws: MDEAPIError.self) {
                _ = try await collect(Self.client(server, policy: policy).machines())
            }
            #expect(error?.description.contains("larger than 1 MB") == true, "\(String(describing: error))")
        }
    }

    @Test func slowDripEndsAtTheRequestTimeout() async throws {
        try await withHostileServer(Self.serving { _ in HostileReply(body: .drip(pause: .milliseconds(50))) }) {
            server in
            // Retried so a token request slowed by a loaded machine gets more chances; the drip fails every time.
            var policy = fastRetries
            policy.maxRetries = 2
            policy.requestTimeout = .seconds(3)
            // On a loaded machine the token request itself can meet the timeout first: a TokenError then, with the
            // same cause. Either way the drip ends at the timeout rather than hanging.
            let error = await #expect(throws: (any Error).self) {
                _ = try await collect(Self.client(server, policy: policy).machines())
            }
            if let api = error as? MDEAPIError { #expect(api.status == nil, "\(api)") }
            #expect(
                "\(String(describing: error))".contains("no complete response within"), "\(String(describing: error))")
        }
    }

    @Test func htmlInsteadOfJSON() async throws {
        let html = "<html><body>\u{1B}[31mLogin required</body></html>"
        try await withHostileServer(
            Self.serving { _ in
                HostileReply(status: 200, headers: [("Content-Type", "text/html")], body: .bytes(Array(html.utf8)))
            }
        ) { server in
            var policy = fastRetries
            policy.maxRetries = 0
            let error = await #expect(throws: MDEAPIError.self) {
                _ = try await collect(Self.client(server, policy: policy).machines())
            }
            let text = String(describing: error)
            #expect(text.contains("the response is 'text/html', not JSON"), "\(text)")
        }
    }

    @Test func errorTextFromTheServerIsEscaped() async throws {
        let html = "<html>\u{1B}]0;pwned\u{07}bad gateway</html>"
        try await withHostileServer(
            Self.serving { _ in
                HostileReply(status: 400, headers: [("Content-Type", "text/html")], body: .bytes(Array(html.utf8)))
            }
        ) { server in
            let error = await #expect(throws: MDEAPIError.self) {
                _ = try await collect(Self.client(server).machines())
            }
            let text = error?.description ?? ""
            #expect(!text.contains("\u{1B}") && !text.contains("\u{07}"), "\(text)")
            #expect(text.contains("\\u{1b}]0;pwned"), "\(text)")
        }
    }

    @Test func nextLinkToAnotherHost() async throws {
        let page = #"{"value":[{"id":"a"}],"@odata.nextLink":"http://192.0.2.2:9/api/machines?$skiptoken=x"}"#
        try await withHostileServer(Self.serving { _ in .json(page) }) { server in
            let error = await #expect(throws: MDEAPIError.self) {
                _ = try await collect(Self.client(server).machines())
            }
            #expect(error?.description.contains("another host") == true, "\(String(describing: error))")
            #expect(server.requests.count == 2)
        }
    }
}
