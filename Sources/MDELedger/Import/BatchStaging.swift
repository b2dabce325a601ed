import Crypto
import Foundation
import GRDB
import MDEAPI

/// An import's items, staged in a private scratch SQLite file while its files are read.
///
/// Each file is read, checked and written here before the next one is read, so memory holds one file at a
/// time whatever the size of the batch, and the ledger is not opened until every file has passed. The
/// commit copies the rows into its own staging tables in SQLite (`Staging.copy(from:)`). The folder is
/// readable by its owner only and is removed when the batch is released.
final class BatchStaging: Sendable {
    /// The scratch database file.
    let path: String
    private let folder: URL
    private let dbQueue: DatabaseQueue

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mde-ledger-import-\(UUID().uuidString)")
        path = folder.appendingPathComponent("batch.sqlite").path
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            var configuration = Configuration()
            // A scratch file: nothing to recover after a crash, so no journal and no waiting for the disk.
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
            }
            dbQueue = try DatabaseQueue(path: path, configuration: configuration)
            try dbQueue.writeWithoutTransaction { db in
                try db.execute(sql: MachineColumns.stagingDDL(schema: "main"))
                try db.execute(sql: ActionColumns.stagingDDL(schema: "main"))
                // Where each id was first read and a digest of its object: a repeat is merged when identical
                // and refused, naming both places, when not.
                try db.execute(
                    sql: """
                        CREATE TABLE batch_items (id TEXT PRIMARY KEY, location TEXT NOT NULL, digest BLOB NOT NULL)
                        WITHOUT ROWID
                        """)
            }
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw ImportError(
                "cannot create a scratch file in \(FileManager.default.temporaryDirectory.path) (\(error)); "
                    + "set TMPDIR to a writable folder with room for the files")
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Writes one file's items in one transaction; `body` stages them through the `Writer` it is given.
    func write<T>(_ body: (Writer) throws -> T) throws -> T {
        try dbQueue.write { db in try body(Writer(db: db)) }
    }

    /// Stages items inside one `write`.
    struct Writer {
        let db: Database

        /// Records `id` at `location`: `true` the first time, `false` for an identical copy.
        /// - Throws: `ImportError` naming both places when the copies differ.
        func isNew(_ id: String, _ item: ImportItem, kind: ImportKind, canonical: String) throws -> Bool {
            let digest = Data(SHA256.hash(data: Data(canonical.utf8)))
            let earlier = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT location, digest FROM batch_items WHERE id = ?"), arguments: [id])
            guard let earlier else {
                try db.cachedStatement(sql: "INSERT INTO batch_items (id, location, digest) VALUES (?, ?, ?)")
                    .execute(arguments: [id, item.location, digest])
                return true
            }
            if earlier["digest"] as Data == digest { return false }
            let location: String = earlier["location"]
            throw ImportError(
                "\(item.location): \(kind.singular) \(ErrorText.quoted(id)) appears again with different values "
                    + "(first at \(location)); keep one of the two and import again")
        }

        func stage(_ machine: Machine, raw: String) throws {
            try db.cachedStatement(sql: Self.machineSQL)
                .execute(arguments: StatementArguments(MachineColumns.stagedRow(machine, raw: raw)))
        }

        func stage(_ action: MachineAction, raw: String) throws {
            try db.cachedStatement(sql: Self.actionSQL)
                .execute(arguments: StatementArguments(ActionColumns.stagedRow(action, raw: raw)))
        }

        private static let machineSQL = insertSQL("staged_machines", MachineColumns.staged)
        private static let actionSQL = insertSQL("staged_actions", ActionColumns.staged)
    }
}
