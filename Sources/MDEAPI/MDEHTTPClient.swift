import AsyncHTTPClient
import Foundation
import NIOSSL

/// Builds the HTTP client the MDE client uses.
public enum MDEHTTPClient {
    /// An `HTTPClient` that trusts the system roots plus, when given, the certificates of a PEM file: the
    /// corporate CA of a TLS-inspecting proxy. (This is why the client uses AsyncHTTPClient: URLSession on
    /// Linux cannot be given an extra trust root.) The caller shuts it down.
    public static func make(additionalCAFile: String?) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let path = additionalCAFile {
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
                throw MDEConfigurationError(
                    "CA file \(path) is not a PEM certificate file (\(error)); export it as PEM")
            }
        }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration(tls: tls))
    }

    /// A process-wide client with the system roots, for callers that do not make their own (never shut down).
    public static let shared = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: configuration(tls: .makeClientConfiguration()))

    /// Redirects are never followed: a token endpoint that answers 307 would otherwise receive the client
    /// secret again at whatever address it names, over plain http too. A 3xx becomes an error naming the Location.
    static func configuration(tls: TLSConfiguration) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(30), read: .seconds(120))
        return configuration
    }
}
