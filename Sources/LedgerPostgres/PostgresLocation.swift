import AzureAccess
import Foundation

/// Where a PostgreSQL ledger lives and how to reach it, worked out the way libpq does: a `postgresql://` URL,
/// then `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGSSLMODE`, `PGSSLROOTCERT`, `PGPASSFILE`. Pure: nothing
/// here connects, so the rules about hosts and TLS are tested without a network.
public struct PostgresLocation: Sendable, Equatable {
    /// A Unix socket folder (libpq's `host=/path`) or a TCP host and port.
    public enum Endpoint: Sendable, Equatable {
        case socket(folder: String, port: Int)
        case tcp(host: String, port: Int)
    }

    /// How the connection is protected. A Unix socket never uses TLS (libpq ignores `sslmode` there too).
    public enum Security: Sendable, Equatable {
        /// No TLS: a Unix socket, or `sslmode=disable` to a loopback host.
        case none
        /// TLS when the server offers it (libpq's `prefer`, its default; loopback only).
        case prefer
        /// TLS required. `verifyChain`: the server's certificate must chain to `rootCertificate` (or the system's
        /// roots); `verifyHost`: it must also name the host (`verify-full`).
        case require(verifyChain: Bool, verifyHost: Bool, rootCertificate: String?)
    }

    public var endpoint: Endpoint
    public var user: String
    public var database: String
    public var security: Security
    /// The password file to look in (`PGPASSFILE`, else `~/.pgpass`); the password itself never comes from here.
    public var passwordFile: String

    /// The location with the password left out, for messages and reports (there is never a password in it).
    public var description: String {
        switch endpoint {
        case .socket(let folder, let port): "postgresql://\(user)@/\(database)?host=\(folder)&port=\(port)"
        case .tcp(let host, let port):
            "postgresql://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
        }
    }

    /// `true` for text that names a PostgreSQL ledger rather than a SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Parses `postgresql://[user@][host][:port][/database][?key=value&…]`, filling what it leaves out from
    /// `environment` and libpq's defaults. Refuses a password in the URL, unknown parameters, and any
    /// `sslmode` weaker than `require` off loopback.
    public static func parse(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> PostgresLocation
    {
        guard isPostgres(text), let url = URLComponents(string: text) else {
            throw PostgresLocationError("'\(text)' is not a PostgreSQL URL; write postgresql://USER@HOST:PORT/DATABASE")
        }
        if url.password != nil {
            throw PostgresLocationError(
                "the PostgreSQL URL holds a password, which would show in the process list and shell history; "
                    + "remove it and put it in a password file (PGPASSFILE, default ~/.pgpass, mode 0600)")
        }
        var parameters: [String: String] = [:]
        for item in url.queryItems ?? [] {
            guard Self.knownParameters.contains(item.name) else {
                throw PostgresLocationError(
                    "unknown PostgreSQL URL parameter '\(item.name)'; known: "
                        + Self.knownParameters.sorted().joined(separator: ", "))
            }
            if item.name == "password" {
                throw PostgresLocationError(
                    "the PostgreSQL URL holds a password parameter; remove it and put the password in a password "
                        + "file (PGPASSFILE, default ~/.pgpass, mode 0600)")
            }
            parameters[item.name] = item.value ?? ""
        }
        func setting(_ key: String, _ variable: String) -> String? {
            [parameters[key], environment[variable]].compactMap { $0 }.first { !$0.isEmpty }
        }
        let host =
            [url.percentEncodedHost.flatMap { $0.removingPercentEncoding }, setting("host", "PGHOST")]
            .compactMap { $0 }.first { !$0.isEmpty } ?? "/var/run/postgresql"
        let portText = url.port.map(String.init) ?? setting("port", "PGPORT") ?? "5432"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw PostgresLocationError("PostgreSQL port '\(portText)' is not a port number (1-65535)")
        }
        let user =
            [url.user?.removingPercentEncoding, parameters["user"], environment["PGUSER"], environment["USER"]]
            .compactMap { $0 }.first { !$0.isEmpty } ?? "postgres"
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        let database =
            [path.removingPercentEncoding, setting("dbname", "PGDATABASE")]
            .compactMap { $0 }.first { !$0.isEmpty } ?? user
        let home = environment["HOME"] ?? NSHomeDirectory()
        let passwordFile = setting("passfile", "PGPASSFILE") ?? home + "/.pgpass"

        let endpoint: Endpoint = host.hasPrefix("/") ? .socket(folder: host, port: port) : .tcp(host: host, port: port)
        let security = try Self.security(
            endpoint: endpoint, mode: setting("sslmode", "PGSSLMODE"),
            rootCertificate: setting("sslrootcert", "PGSSLROOTCERT"))
        return PostgresLocation(
            endpoint: endpoint, user: user, database: database, security: security, passwordFile: passwordFile)
    }

    static let knownParameters: Set<String> = [
        "host", "port", "dbname", "user", "password", "sslmode", "sslrootcert", "passfile", "application_name",
    ]

    /// libpq's `sslmode` names, with this tool's defaults: `require` off loopback (`verify-full` when a root
    /// certificate is given), libpq's `prefer` on loopback. Off loopback nothing weaker than `require` is accepted:
    /// the ledger's contents and the password would cross the network in clear text.
    static func security(endpoint: Endpoint, mode: String?, rootCertificate: String?) throws -> Security {
        let loopback: Bool
        switch endpoint {
        case .socket: return .none
        case .tcp(let host, _): loopback = Loopback.isLiteral(host: host)
        }
        let mode = mode ?? (loopback ? "prefer" : rootCertificate == nil ? "require" : "verify-full")
        switch mode {
        case "disable", "allow", "prefer":
            guard loopback else {
                throw PostgresLocationError(
                    "sslmode=\(mode) would send the ledger and the password unencrypted to a host that is not "
                        + "loopback; use sslmode=require, or verify-full with sslrootcert=CA-FILE")
            }
            return mode == "disable" ? .none : .prefer
        case "require":
            // libpq: require with a root certificate file verifies the chain, as verify-ca does.
            return .require(verifyChain: rootCertificate != nil, verifyHost: false, rootCertificate: rootCertificate)
        case "verify-ca": return .require(verifyChain: true, verifyHost: false, rootCertificate: rootCertificate)
        case "verify-full": return .require(verifyChain: true, verifyHost: true, rootCertificate: rootCertificate)
        default:
            throw PostgresLocationError(
                "unknown sslmode '\(mode)'; use disable, allow, prefer, require, verify-ca or verify-full")
        }
    }
}

/// A PostgreSQL location that cannot be used as given; the message says what to change.
public struct PostgresLocationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
