import Logging
import PostgresNIO

extension PostgresLedger {
    /// The first half of the advisory lock key for "a writer of tenant N"; the tenant's number is the second.
    static let tenantLockClass: Int32 = 0x6D64_6C67  // "mdlg"

    /// Runs `body` on one connection while it holds tenant `tenant`'s writer lock: a session-level advisory lock,
    /// so two syncs of one tenant are refused at once (as the file lock does for SQLite) while syncs of other
    /// tenants go on. The lock goes with the connection if the process dies; it is released here otherwise.
    public func withTenantLock<Result: Sendable>(
        tenant: Int32, purpose: String, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let logger = self.logger
        let location = self.location
        return try await client.withConnection { connection in
            let acquired =
                try await connection.query(
                    "SELECT pg_try_advisory_lock(\(Self.tenantLockClass), \(tenant))", logger: logger
                ).collect().first?.decode(Bool.self) ?? false
            guard acquired else {
                throw PostgresTenantBusy(location: location.description, tenant: tenant, purpose: purpose)
            }
            do {
                let result = try await body(connection)
                try await Self.unlock(tenant: tenant, on: connection, logger: logger)
                return result
            } catch {
                try? await Self.unlock(tenant: tenant, on: connection, logger: logger)
                throw error
            }
        }
    }

    private static func unlock(tenant: Int32, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_unlock(\(tenantLockClass), \(tenant))", logger: logger)
    }
}

/// Another run holds the tenant's writer lock in the PostgreSQL ledger.
public struct PostgresTenantBusy: Error, CustomStringConvertible, Sendable {
    public var location: String
    public var tenant: Int32
    public var purpose: String

    public var description: String {
        "another mde-ledger run is writing tenant \(tenant) of \(location); wait for it to finish and run \(purpose) "
            + "again"
    }
}
