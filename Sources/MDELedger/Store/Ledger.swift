import Foundation
import GRDB

/// An mde-ledger SQLite file: schema, append-only history and the hash-chained event log.
///
/// ```swift
/// let ledger = try Ledger.open(path: "mde-ledger.sqlite", create: true)
/// let report = try ledger.verify()
/// ```
public final class Ledger: Sendable {
    /// The file's path as given.
    public let path: String
    /// The GRDB connection. Only `MDELedger` talks SQL; the CLI goes through `Ledger`'s methods.
    let dbQueue: DatabaseQueue

    private init(path: String, dbQueue: DatabaseQueue) {
        self.path = path
        self.dbQueue = dbQueue
    }

    /// Opens a ledger file.
    /// - Parameters:
    ///   - create: create the file (readable by its owner only) and apply pending migrations. Without it a
    ///     missing file or an out-of-date schema is an error that says to run `mde-ledger init`.
    ///   - readOnly: open without write access (for `migrate --list`, `verify`, reports).
    ///   - allowPending: accept a ledger with pending migrations (for `migrate --list` and `verify`).
    public static func open(path: String, create: Bool = false, readOnly: Bool = false, allowPending: Bool = false)
        throws -> Ledger
    {
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists {
            guard create else {
                throw LedgerError("no ledger at \(path); run 'mde-ledger init' to create one, or pass --db PATH")
            }
            try createOwnerOnlyFile(path)
        }
        if readOnly && exists { rollBackHotJournal(path) }
        var configuration = Configuration()
        configuration.readonly = readOnly && exists
        configuration.busyMode = busyMode
        configuration.prepareDatabase { db in
            // A file that is not SQLite fails here with a clear message rather than mid-command.
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        } catch let error as DatabaseError {
            throw LedgerError("\(path) is not a usable SQLite ledger (\(error.message ?? "\(error)")); check --db")
        }
        let ledger = Ledger(path: path, dbQueue: queue)
        let migrator = Migrator()
        if create && !readOnly {
            _ = try migrator.migrate(queue)
        } else if !allowPending {
            let pending = try queue.read { db in try migrator.status(db) }.filter { $0.state == .pending }
            if !pending.isEmpty {
                let names = pending.map(\.name).joined(separator: ", ")
                throw MigrationError(
                    "the ledger at \(path) needs migrations \(names); run 'mde-ledger init' to apply them")
            }
        }
        return ledger
    }

    /// A sync commit holds the write lock for a moment; readers and a second run wait for it rather than fail.
    private static let busyMode = Database.BusyMode.timeout(30)

    /// Applies pending migrations; returns the names applied (empty when up to date).
    @discardableResult
    public func migrate() throws -> [String] {
        try Migrator().migrate(dbQueue)
    }

    /// Applied and pending migrations, without changing anything.
    public func migrationStatus() throws -> [MigrationStatus] {
        try dbQueue.read { db in try Migrator().status(db) }
    }

    /// The highest applied migration number.
    public func schemaVersion() throws -> Int {
        try dbQueue.read { db in try Migrator().currentVersion(db) }
    }

    /// A run killed inside its commit leaves a hot rollback journal. Only a writable connection can roll it back;
    /// a read-only one fails with "attempt to write a readonly database", so `verify` would fail after every such
    /// crash. One read on a writable connection restores the last committed state first. A journal of a run that is
    /// committing right now is not hot: then this read just waits like any reader.
    private static func rollBackHotJournal(_ path: String) {
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-journal"))?[.size] as? NSNumber
        guard let size, size.intValue > 0 else { return }
        var configuration = Configuration()
        configuration.busyMode = busyMode
        // Best effort: without write access the read-only open below reports the problem.
        _ = try? DatabaseQueue(path: path, configuration: configuration).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
        }
    }

    /// Creates an empty file with mode 0600 before SQLite opens it: SQLite would otherwise create it with
    /// the process umask, and the ledger holds device inventory that other local users should not read.
    private static func createOwnerOnlyFile(_ path: String) throws {
        let fd = Foundation.open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw LedgerError("cannot create ledger \(path): \(reason); check that the folder exists and is writable")
        }
        close(fd)
    }
}
