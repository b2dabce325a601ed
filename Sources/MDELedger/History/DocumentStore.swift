import Crypto
import Foundation
import GRDB

/// Content-addressed storage of raw documents (`raw_documents`): each distinct body is stored once.
enum DocumentStore {
    /// SHA-256 of the body's UTF-8 bytes: the document's address, and what `verify` recomputes.
    static func address(_ body: String) -> Data {
        Data(SHA256.hash(data: Data(body.utf8)))
    }

    /// The id of `body`, stored now unless an identical body already is. Pass `address` when it is known.
    static func put(_ db: Database, body: String, address known: Data? = nil) throws -> Int64 {
        let hash = known ?? address(body)
        if let id = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM raw_documents WHERE sha256 = ?"), arguments: [hash])
        {
            return id
        }
        try db.cachedStatement(sql: "INSERT INTO raw_documents (sha256, body) VALUES (?, ?)")
            .execute(arguments: [hash, body])
        return db.lastInsertedRowID
    }
}

/// Integer keys of devices (`device_keys`), so history rows written every day do not repeat the 40-character id.
enum DeviceKeys {
    /// The key of a device, created on first use.
    static func key(_ db: Database, tenant: Int64, machineId: String) throws -> Int64 {
        if let key = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT key FROM device_keys WHERE tenant = ? AND machine_id = ?"),
            arguments: [tenant, machineId])
        {
            return key
        }
        try db.cachedStatement(sql: "INSERT INTO device_keys (tenant, machine_id) VALUES (?, ?)")
            .execute(arguments: [tenant, machineId])
        return db.lastInsertedRowID
    }
}
