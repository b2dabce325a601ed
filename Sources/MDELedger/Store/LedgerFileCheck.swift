import Foundation
import GRDB

/// Checks made on a ledger file before anything is written to it: that it is SQLite at all, that it is an
/// mde-ledger ledger and not another program's database, whether it can be written, and who may read it.
enum LedgerFileCheck {
    /// `PRAGMA application_id` of every ledger: "MDEL" in ASCII. Set at `init`; ledgers created before it
    /// existed are recognised by their `schema_migrations` table and get the id at their next `init`.
    static let applicationID: Int32 = 0x4D44_454C

    /// Refuses an empty file (unless `create`, which makes it a ledger) and a file that is not SQLite.
    /// Returns `true` when the file is empty.
    static func checkHeader(_ path: String, create: Bool) throws -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LedgerError("cannot read the ledger \(path): permission denied; check the file's owner and mode")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        if header.isEmpty {
            guard create else {
                throw LedgerError(
                    "\(path) is an empty file, not a ledger; run 'mde-ledger init --db \(path)' to make it one, or "
                        + "check --db")
            }
            return true
        }
        guard header == Data("SQLite format 3\u{0}".utf8) else {
            throw LedgerError("\(path) is not a SQLite file, so not an mde-ledger ledger; check --db")
        }
        return false
    }

    /// Refuses another program's SQLite database, before anything is written to it.
    static func checkIdentity(_ db: Database, path: String) throws {
        let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        if id == applicationID { return }
        let tables = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        if id == 0, tables.contains("schema_migrations") { return }  // a ledger from before the id existed
        if id == 0, tables.isEmpty { return }  // an empty database holds nothing to damage
        let what = id == 0 ? "tables \(tables.prefix(5).joined(separator: ", "))" : "application id \(id)"
        throw LedgerError(
            "\(path) is a SQLite database of another program (\(what)), not an mde-ledger ledger; it was left "
                + "untouched. Check --db")
    }

    /// The warning for a ledger that group or others may read, or nil.
    static func permissionWarning(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 != 0 else { return nil }
        return "the ledger \(path) is readable by other users (mode \(String(info.st_mode & 0o777, radix: 8))); "
            + "run 'mde-ledger init' to make it owner-only (0600)"
    }

    /// The error for a ledger this process cannot write, or nil.
    static func readOnlyError(_ path: String) -> LedgerError? {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let reason: String
        if access(path, W_OK) != 0 {
            reason = "the file is not writable"
        } else if access(folder.isEmpty ? "." : folder, W_OK) != 0 {
            reason = "its folder \(folder) is not writable (SQLite needs it for the journal)"
        } else {
            return nil
        }
        return LedgerError(
            "the ledger is read-only: \(path) (\(reason)); questions still work (devices, status, verify), but this "
                + "command writes: check the file's mode and owner")
    }
}
