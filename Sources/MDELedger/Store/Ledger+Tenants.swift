import Foundation
import GRDB
import MDEAPI

/// Which tenant a command means: a name (`--tenant`), or none for "the only one".
public struct TenantSelection: Sendable, Hashable {
    public var name: String?
    /// Recorded on a tenant created by this run.
    public var entraTenantId: String?
    public var clientId: String?

    public init(name: String? = nil, entraTenantId: String? = nil, clientId: String? = nil) {
        self.name = name
        self.entraTenantId = entraTenantId
        self.clientId = clientId
    }
}

/// A tenant row: one MDE tenant whose devices the ledger follows.
public struct TenantRecord: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var tenantId: String?
    public var clientId: String?
}

extension Ledger {
    /// All tenants, by name.
    public func tenants() throws -> [TenantRecord] {
        try dbQueue.read { db in try Self.tenants(db) }
    }

    /// Finds the tenant a command works on.
    ///
    /// With a name, that tenant (created when `create` is set). Without one: the only tenant, or a new
    /// tenant named `default` in an empty ledger when `create` is set; several tenants need `--tenant`.
    public func resolveTenant(_ selection: TenantSelection, create: Bool) throws -> TenantRecord {
        if create {
            return try dbQueue.write { db in try Self.resolveTenant(db, selection, creating: clock) }
        }
        return try dbQueue.read { db in try Self.resolveTenant(db, selection) }
    }

    /// - Parameter clock: given, a tenant the selection names (or `default` in an empty ledger) is created,
    ///   recorded at this clock's time.
    static func resolveTenant(
        _ db: Database, _ selection: TenantSelection, creating clock: LedgerClock? = nil
    ) throws -> TenantRecord {
        let name = selection.name
        let entraTenantId = selection.entraTenantId
        let clientId = selection.clientId
        let all = try Self.tenants(db)
        if let name {
            if let found = all.first(where: { $0.name == name }) { return found }
            guard let clock else {
                let known = all.map(\.name).joined(separator: ", ")
                throw LedgerError(
                    "unknown tenant '\(name)'"
                        + (known.isEmpty ? "; the ledger has no tenants yet" : "; known: \(known)"))
            }
            return try Self.insertTenant(
                db, name: name, entraTenantId: entraTenantId, clientId: clientId, clock: clock)
        }
        switch all.count {
        case 1: return all[0]
        case 0 where clock != nil:
            return try Self.insertTenant(
                db, name: "default", entraTenantId: entraTenantId, clientId: clientId, clock: clock!)
        case 0: throw LedgerError("the ledger has no tenants yet; run 'mde-ledger sync' or an import first")
        default:
            throw LedgerError(
                "the ledger has several tenants (\(all.map(\.name).joined(separator: ", "))); pass --tenant NAME")
        }
    }

    static func tenants(_ db: Database) throws -> [TenantRecord] {
        try Row.fetchAll(db, sql: "SELECT id, name, tenant_id, client_id FROM tenants ORDER BY name").map {
            TenantRecord(id: $0[0], name: $0[1], tenantId: $0[2], clientId: $0[3])
        }
    }

    /// Inserts a tenant and its chained `tenant_added` event, the tenant's first event: the name and starting
    /// settings `verify` holds the row to. `payload` carries `tenant add`'s settings; a tenant created by a first
    /// sync or import gets its ids only.
    static func insertTenant(
        _ db: Database, name: String, entraTenantId: String?, clientId: String?, payload: [String: JSONValue]? = nil,
        clock: LedgerClock
    ) throws -> TenantRecord {
        let now = clock.nowText()
        try db.execute(
            sql: "INSERT INTO tenants (name, tenant_id, client_id, created_at) VALUES (?, ?, ?, ?)",
            arguments: [name, entraTenantId, clientId, now])
        let record = TenantRecord(id: db.lastInsertedRowID, name: name, tenantId: entraTenantId, clientId: clientId)
        try EventAppender(db, clock: clock).append(
            kind: "tenant_added", subject: "tenant:\(name)", tenant: record.id, run: nil,
            occurredAt: now,
            payload: .object(
                payload ?? [
                    "tenant_id": entraTenantId.map(JSONValue.string) ?? .null,
                    "client_id": clientId.map(JSONValue.string) ?? .null,
                ]))
        return record
    }
}
