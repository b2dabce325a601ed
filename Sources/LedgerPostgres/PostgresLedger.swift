import Foundation
import Logging
import MDELedger
import PostgresNIO

/// A ledger in a PostgreSQL database: a connection pool to it and its migrations (`migrations/postgres`).
///
/// Call `close()` when done: the pool runs in a task of its own until then.
public final class PostgresLedger: Sendable {
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>

    /// The migrations bundled into this binary, in order.
    public static let migrations: [Migration] = EmbeddedPostgresSQL.migrations.map {
        Migration(name: $0.name, sql: $0.sql)
    }

    /// Connects to `location` (the password from its password file) and checks that the server answers.
    public static func open(_ location: PostgresLocation, logger: Logger = Logger(label: "mde-ledger.postgres"))
        async throws -> PostgresLedger
    {
        let password = try PasswordFile.password(for: location)
        do {
            let probe = try await PostgresConnection.connect(
                on: PostgresClient.defaultEventLoopGroup.next(),
                configuration: try location.connectionConfiguration(password: password), id: 0, logger: logger
            ).get()
            try await probe.close()
        } catch let error as PostgresLocationError {
            throw error
        } catch {
            throw PostgresLocationError(
                "cannot reach the PostgreSQL ledger \(location.description): \(PostgresLedger.explain(error))")
        }
        let configuration = try location.clientConfiguration(password: password)
        return PostgresLedger(location: location, client: PostgresClient(configuration: configuration), logger: logger)
    }

    /// Opens `location`, runs `body` with the ledger and closes it again, whether `body` returns or throws.
    public static func using<Result: Sendable>(
        _ location: PostgresLocation, _ body: (PostgresLedger) async throws -> Result
    ) async throws -> Result {
        let ledger = try await open(location)
        do {
            let result = try await body(ledger)
            await ledger.close()
            return result
        } catch {
            await ledger.close()
            throw error
        }
    }

    private init(location: PostgresLocation, client: PostgresClient, logger: Logger) {
        self.location = location
        self.client = client
        self.logger = logger
        running = Task { await client.run() }
    }

    /// Ends the connection pool.
    public func close() async {
        running.cancel()
        await running.value
    }

    /// The server's own message for a PostgreSQL error (postgres-nio's description hides it, to keep query
    /// values out of logs); other errors as they describe themselves.
    public static func explain(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
    }
}
