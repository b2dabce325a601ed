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

    /// Warnings about the file found while opening it (a ledger other users may read); the CLI prints them.
    public let warnings: [String]
    /// Where this ledger reads "now" for what it records (`LedgerClock`).
    public let clock: LedgerClock

    private init(path: String, dbQueue: DatabaseQueue, warnings: [String], clock: LedgerClock) {
        self.path = path
        self.dbQueue = dbQueue
        self.warnings = warnings
        self.clock = clock
    }

    /// Opens a ledger file.
    /// - Parameters:
    ///   - create: create the file (readable by its owner only) and apply pending migrations. Without it a
    ///     missing file or an out-of-date schema is an error that says to run `mde-ledger init`.
    ///   - readOnly: open without write access (for `migrate --list`, `verify`, reports).
    ///   - allowPending: accept a ledger with pending migrations (for `migrate --list` and `verify`).
    ///   - clock: where "now" comes from for what this ledger records.
    public static func open(
        path: String, create: Bool = false, readOnly: Bool = false, allowPending: Bool = false,
        clock: LedgerClock = .system
    ) throws -> Ledger {
        var exists = FileManager.default.fileExists(atPath: path)
        if !exists {
            guard create else {
                throw LedgerError("no ledger at \(path); run 'mde-ledger init' to create one, or pass --db PATH")
            }
            try createOwnerOnlyFile(path)
        } else if try LedgerFileCheck.checkHeader(path, create: create && !readOnly) {
            exists = false  // an empty file: made a ledger like a new one
        }
        if exists && !readOnly, let error = LedgerFileCheck.readOnlyError(path) { throw error }
        let warnings = exists ? [LedgerFileCheck.permissionWarning(path)].compactMap { $0 } : []
        if readOnly && exists { rollBackHotJournal(path) }
        var configuration = Configuration()
        configuration.readonly = readOnly && exists
        configuration.busyMode = busyMode
        configuration.prepareDatabase { db in
            // A file that is not SQLite fails here with a clear message rather than mid-command.
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            db.add(function: DeviceLookup.foldFunction)
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in try LedgerFileCheck.checkIdentity(db, path: path) }
        } catch let error as DatabaseError {
            throw LedgerError("\(path) is not a usable SQLite ledger (\(error.message ?? "\(error)")); check --db")
        }
        if !exists && !readOnly {
            // Raw documents are 1-2 KB each: 16 KB pages pack them with far less slack than the default 4 KB.
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA page_size = 16384") }
        }
        let ledger = Ledger(path: path, dbQueue: queue, warnings: warnings, clock: clock)
        let migrator = Migrator()
        if create && !readOnly {
            try ledger.migrate()
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

    /// Opens a ledger to answer questions (`devices`, `status`, `report`, `verify`): always read-only, since an
    /// answer never writes (the as-of time lives in TEMP objects), so a `chmod 0400` copy can be questioned.
    public static func openForQuestions(
        path: String, allowPending: Bool = false, clock: LedgerClock = .system
    ) throws -> Ledger {
        try open(path: path, readOnly: true, allowPending: allowPending, clock: clock)
    }

    /// A sync commit holds the write lock for a moment; readers and a second run wait for it rather than fail.
    private static let busyMode = Database.BusyMode.timeout(30)

    /// Applies pending migrations; returns the names applied (empty when up to date).
    @discardableResult
    public func migrate() throws -> [String] {
        let applied = try Migrator().migrate(dbQueue, clock: clock)
        try dbQueue.write { db in
            if try Int32.fetchOne(db, sql: "PRAGMA application_id") != LedgerFileCheck.applicationID {
                try db.execute(sql: "PRAGMA application_id = \(LedgerFileCheck.applicationID)")
            }
        }
        return applied
    }

    /// Makes the ledger file readable and writable by its owner only (0600), as `init` does.
    /// - Returns: `true` when the mode was changed.
    @discardableResult
    public func restrictPermissions() throws -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 != 0 else { return false }
        guard chmod(path, 0o600) == 0 else {
            throw LedgerError("cannot make \(path) owner-only: \(String(cString: strerror(errno))); run chmod 600")
        }
        return true
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
