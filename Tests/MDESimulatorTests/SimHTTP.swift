import Foundation
import HTTPTypes
import HummingbirdTesting
import MDESimulator
import MDETestSupport
import NIOCore

/// A raw HTTP response from the simulator, with its body parsed by JSONSerialization (not by any model type).
struct RawResponse: Sendable {
    var status: Int
    var headers: HTTPFields
    var text: String

    var json: [String: Any] {
        get throws {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            guard let dictionary = object as? [String: Any] else { throw SimHTTPError.notAnObject(text) }
            return dictionary
        }
    }

    /// The `value` array of a list response.
    var values: [[String: Any]] {
        get throws { try json["value"] as? [[String: Any]] ?? [] }
    }

    /// `error.code` of an MDE error body.
    var errorCode: String? { (try? json["error"] as? [String: Any])?["code"] as? String }
}

enum SimHTTPError: Error { case notAnObject(String), noToken(String) }

/// A loopback HTTP/1.1 client for one running simulator, over HummingbirdTesting's `TestClient`.
struct SimHTTP: Sendable {
    let client: TestClient
    let sim: RunningSimulator

    static func with<T: Sendable>(_ sim: RunningSimulator, _ body: @Sendable (SimHTTP) async throws -> T)
        async throws -> T
    {
        // A deadline, not a timing: a 10,000-machine page on a loaded 2-core machine can take longer than the
        // test client's default 15 s without a byte; only a hung server should fail a test.
        let client = TestClient(host: "127.0.0.1", port: sim.port, configuration: .init(timeout: .seconds(600)))
        client.connect()
        do {
            let result = try await body(SimHTTP(client: client, sim: sim))
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    func request(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, form: String? = nil,
        json: String? = nil
    ) async throws -> RawResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: form)
        } else if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: json)
        }
        let response = try await client.execute(
            .init(uri, method: method, authority: "127.0.0.1:\(sim.port)", headers: headers, body: body))
        return RawResponse(
            status: Int(response.status.code), headers: response.headers,
            text: response.body.map { String(buffer: $0) } ?? "")
    }

    func get(_ uri: String, token: String?) async throws -> RawResponse {
        try await request(.get, uri, token: token)
    }

    /// Requests a token with the simulator's own credentials.
    func token(scope: String = "https://api.securitycenter.microsoft.com/.default") async throws -> String {
        let config = sim.simulator.configuration
        let response = try await request(
            .post, "/\(config.tenantId)/oauth2/v2.0/token",
            form: "grant_type=client_credentials&client_id=\(config.clientId)&client_secret=\(config.clientSecret)"
                + "&scope=\(scope.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? scope)")
        guard let token = try response.json["access_token"] as? String else {
            throw SimHTTPError.noToken(response.text)
        }
        return token
    }

    /// GET with a fresh token.
    func authorizedGet(_ uri: String) async throws -> RawResponse {
        try await get(uri, token: try await token())
    }
}

/// Percent-encodes a `$filter` value for a query string.
func q(_ filter: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return filter.addingPercentEncoding(withAllowedCharacters: allowed) ?? filter
}
