import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// The HTTP clients the MDE client sends through: one direct, and one per proxy, since AsyncHTTPClient takes one
/// proxy per client and does not read `HTTPS_PROXY` or `NO_PROXY` itself. `ProxyConfiguration` picks per request.
public final class MDEHTTPClient: Sendable {
    let direct: HTTPClient
    let proxied: [ProxyServer: HTTPClient]
    /// Which requests go through which proxy.
    public let proxies: ProxyConfiguration

    private init(direct: HTTPClient, proxied: [ProxyServer: HTTPClient], proxies: ProxyConfiguration) {
        self.direct = direct
        self.proxied = proxied
        self.proxies = proxies
    }

    /// Clients that trust the system roots plus, when given, the certificates of a PEM file: the corporate CA of
    /// a TLS-inspecting proxy. (This is why the client uses AsyncHTTPClient: URLSession on Linux cannot be given
    /// an extra trust root.) The caller shuts them down.
    /// - Parameter connectTimeout: how long one connection attempt may take; a failed attempt is retried by the
    ///   MDE client's own retry loop (its waits are printed), never silently inside AsyncHTTPClient.
    public static func make(
        additionalCAFile: String?, proxies: ProxyConfiguration = .direct, connectTimeout: Duration = .seconds(10)
    ) throws -> MDEHTTPClient {
        let tls = try tlsConfiguration(additionalCAFile: additionalCAFile)
        func client(_ proxy: ProxyServer?) -> HTTPClient {
            var configuration = configuration(tls: tls, connectTimeout: connectTimeout)
            if let proxy {
                configuration.proxy = .server(
                    host: proxy.host, port: proxy.port,
                    authorization: proxy.user.map { .basic(username: $0, password: proxy.password ?? "") })
            }
            return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        }
        var proxied: [ProxyServer: HTTPClient] = [:]
        for proxy in Set([proxies.https, proxies.http].compactMap { $0 }) { proxied[proxy] = client(proxy) }
        return MDEHTTPClient(direct: client(nil), proxied: proxied, proxies: proxies)
    }

    /// Process-wide direct clients with the system roots, for callers that do not make their own (never shut down).
    public static let shared = MDEHTTPClient(
        direct: HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: configuration(tls: .makeClientConfiguration(), connectTimeout: .seconds(10))),
        proxied: [:], proxies: .direct)

    /// The client for `url`, and the proxy it goes through (nil: direct).
    func client(for url: String) -> (HTTPClient, ProxyServer?) {
        guard let parsed = URL(string: url), let proxy = proxies.proxy(for: parsed), let client = proxied[proxy] else {
            return (direct, nil)
        }
        return (client, proxy)
    }

    /// Shuts every client down.
    public func shutdown() async throws {
        for client in [direct] + Array(proxied.values) { try await client.shutdown() }
    }

    static func tlsConfiguration(additionalCAFile: String?) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        guard let path = additionalCAFile else { return tls }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw MDEConfigurationError("cannot read CA file \(path); pass a readable PEM file to --ca-file")
        }
        do {
            let certificates = try NIOSSLCertificate.fromPEMFile(path)
            guard !certificates.isEmpty else {
                throw MDEConfigurationError("CA file \(path) holds no PEM certificates; export the CA as PEM")
            }
            tls.additionalTrustRoots = [.certificates(certificates)]
        } catch let error as MDEConfigurationError {
            throw error
        } catch {
            throw MDEConfigurationError("CA file \(path) is not a PEM certificate file (\(error)); export it as PEM")
        }
        return tls
    }

    /// Redirects are never followed: a token endpoint that answers 307 would otherwise receive the client
    /// secret again at whatever address it names, over plain http too. A 3xx becomes an error naming the Location.
    /// A failed connection is not retried inside the pool (it would retry until the request's deadline, minutes
    /// with nothing printed): the MDE client's retry loop retries it with printed waits.
    static func configuration(tls: TLSConfiguration, connectTimeout: Duration) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.redirectConfiguration = .disallow
        let parts = connectTimeout.components
        let connect = TimeAmount.milliseconds(parts.seconds * 1_000 + parts.attoseconds / 1_000_000_000_000_000)
        configuration.timeout = .init(connect: connect, read: .seconds(120))
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}

/// A transport failure that retrying cannot fix (a proxy's refusal, an untrusted certificate, a body over the size
/// limit); the calls report it at once.
package protocol PermanentTransportError: Error, CustomStringConvertible {}

/// A request the proxy would not carry: it wants credentials, or refused the tunnel. Not retried.
struct ProxyRefused: PermanentTransportError {
    var description: String
}

/// A TLS handshake that failed, usually a certificate no trusted root signed (a TLS-inspecting proxy, a private
/// CA). Not retried: the next attempt meets the same certificate.
struct TLSHandshakeFailed: PermanentTransportError {
    var host: String
    var underlying: String
    var description: String {
        let untrusted = underlying.contains("CERTIFICATE_VERIFY_FAILED")
        return "the TLS handshake with \(host) failed ("
            + (untrusted ? "its certificate is not signed by a trusted CA" : underlying)
            + "); if a TLS-inspecting proxy or a private CA signs it, pass that CA as a PEM file with --ca-file"
    }
}

/// A connection to a proxy that failed (refused, timed out): retried like any connection error, but named.
struct ProxyUnreachable: Error, CustomStringConvertible {
    var proxy: ProxyServer
    var underlying: String
    var description: String {
        "cannot reach the proxy \(proxy) (\(underlying)); check HTTPS_PROXY/--proxy, or NO_PROXY for hosts "
            + "reached directly"
    }
}
