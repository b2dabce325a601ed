import Foundation
import NIOSSL
import PostgresNIO

extension PostgresLocation {
    /// postgres-nio's pool settings for this location, with the password from the password file.
    public func clientConfiguration(password: String?) throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .socket(let folder, let port):
            configuration = PostgresClient.Configuration(
                unixSocketPath: Self.socketFile(folder, port), username: user, password: password, database: database)
        case .tcp(let host, let port):
            let tls: PostgresClient.Configuration.TLS =
                switch try tlsChoice() {
                case .disable: .disable
                case .prefer(let context): .prefer(context)
                case .require(let context): .require(context)
                }
            configuration = PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.additionalStartupParameters = [("application_name", "mde-ledger")]
        return configuration
    }

    /// The same settings for one connection outside the pool: `open` tries one first, because the pool retries a
    /// failed connection instead of reporting it.
    func connectionConfiguration(password: String?) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .socket(let folder, let port):
            configuration = PostgresConnection.Configuration(
                unixSocketPath: Self.socketFile(folder, port), username: user, password: password, database: database)
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS =
                switch try tlsChoice() {
                case .disable: .disable
                case .prefer(let context): .prefer(try NIOSSLContext(configuration: context))
                case .require(let context): .require(try NIOSSLContext(configuration: context))
                }
            configuration = PostgresConnection.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.additionalStartupParameters = [("application_name", "mde-ledger")]
        return configuration
    }

    /// libpq's socket file inside the folder.
    private static func socketFile(_ folder: String, _ port: Int) -> String { folder + "/.s.PGSQL.\(port)" }

    private enum TLSChoice {
        case disable
        case prefer(TLSConfiguration)
        case require(TLSConfiguration)
    }

    /// TLS as `security` says: libpq's `prefer` does not check the certificate, `require` checks the chain only with
    /// a root certificate, `verify-full` also checks the host name.
    private func tlsChoice() throws -> TLSChoice {
        switch security {
        case .none: return .disable
        case .prefer:
            var context = TLSConfiguration.makeClientConfiguration()
            context.certificateVerification = .none
            return .prefer(context)
        case .require(let verifyChain, let verifyHost, let rootCertificate):
            var context = TLSConfiguration.makeClientConfiguration()
            context.certificateVerification =
                verifyHost ? .fullVerification : verifyChain ? .noHostnameVerification : .none
            if let rootCertificate {
                guard FileManager.default.isReadableFile(atPath: rootCertificate) else {
                    throw PostgresLocationError(
                        "sslrootcert '\(rootCertificate)' cannot be read; give the PEM file of the CA that signed "
                            + "the server's certificate")
                }
                context.trustRoots = .file(rootCertificate)
            }
            return .require(context)
        }
    }
}
