import Crypto
import Foundation
import GRDB
import MDETestSupport
import Testing

@testable import MDELedger

/// What `--db` may point at (issue 12): only a ledger is written; anything else is refused untouched.
@Suite struct LedgerFileTests {
    private func sha(_ path: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).hexString
    }

    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    // Problem 5: the ledger schema used to be added to whatever SQLite file --db named.
    @Test func anotherProgramsDatabaseIsRefusedUntouched() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("photos.sqlite")
        try DatabaseQueue(path: path).write { db in
            try db.execute(
                sql: "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos VALUES (1, 'x')")
        }
        let before = try sha(path)
        for create in [true, false] {
            let error = #expect(throws: LedgerError.self) { _ = try Ledger.open(path: path, create: create) }
            #expect(error?.description.contains("is a SQLite database of another program (tables photos)") == true)
        }
        #expect(try sha(path) == before)
    }

    @Test func aDatabaseWithAnotherApplicationIdIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("other.sqlite")
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "PRAGMA application_id = 42") }
        let error = #expect(throws: LedgerError.self) { _ = try Ledger.open(path: path, create: true) }
        #expect(error?.description.contains("application id 42") == true)
    }

    @Test func aNewLedgerCarriesTheApplicationId() throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let id = try ledger.dbQueue.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }
        #expect(id == LedgerFileCheck.applicationID)
    }

    @Test func aLedgerFromBeforeTheIdIsRecognisedAndMarkedByInit() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("old.sqlite")
        _ = try Ledger.open(path: path, create: true)
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "PRAGMA application_id = 0") }
        let ledger = try Ledger.open(path: path)
        #expect(try ledger.dbQueue.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") } == 0)
        try ledger.migrate()
        #expect(
            try ledger.dbQueue.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }
                == LedgerFileCheck.applicationID)
    }

    @Test func emptyAndNonSQLiteFilesGetClearErrors() throws {
        let folder = try TemporaryFolder()
        let empty = folder.path("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        for readOnly in [false, true] {
            let error = #expect(throws: LedgerError.self) {
                _ = try Ledger.open(path: empty, readOnly: readOnly, allowPending: true)
            }
            #expect(error?.description.contains("is an empty file, not a ledger") == true)
        }
        let text = folder.path("notes.txt")
        try Data("hello, this is not a database at all\n".utf8).write(to: URL(fileURLWithPath: text))
        let error = #expect(throws: LedgerError.self) { _ = try Ledger.open(path: text, create: true) }
        #expect(error?.description.contains("is not a SQLite file") == true)
        #expect(try String(contentsOfFile: text, encoding: .utf8) == "hello, this is not a database at all\n")
    }

    @Test func aLedgerOthersCanReadIsWarnedAboutAndInitFixesIt() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("l.sqlite")
        _ = try Ledger.open(path: path, create: true)
        #expect(chmod(path, 0o644) == 0)
        let ledger = try Ledger.open(path: path)
        #expect(ledger.warnings.count == 1 && ledger.warnings[0].contains("mode 644"))
        #expect(try ledger.restrictPermissions())
        #expect(try mode(path) == 0o600)
        #expect(try Ledger.open(path: path).warnings.isEmpty)
    }

    @Test func theLockFileIsNotFollowedThroughASymlink() throws {
        let folder = try TemporaryFolder()
        let target = folder.path("elsewhere")
        try FileManager.default.createSymbolicLink(atPath: folder.path("l.sqlite.lock"), withDestinationPath: target)
        let error = #expect(throws: LedgerError.self) {
            _ = try LedgerLock.acquire(ledgerPath: folder.path("l.sqlite"), purpose: "sync")
        }
        #expect(error?.description.contains("symbolic link") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    // As root every file is writable, so the read-only cases only mean something for other users.
    @Test(.enabled(if: getuid() != 0)) func aReadOnlyLedgerStillAnswersQuestions() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("l.sqlite")
        let ledger = try Ledger.open(path: path, create: true)
        try await LedgerFixtures.commit(
            ledger, machines: [try LedgerFixtures.machine(String(repeating: "a", count: 40))],
            observedAt: "2026-11-01T09:00:00Z")
        #expect(chmod(path, 0o400) == 0)
        let error = #expect(throws: LedgerError.self) { _ = try Ledger.open(path: path, create: true) }
        #expect(error?.description.hasPrefix("the ledger is read-only: \(path)") == true)
        #expect(error?.description.contains("questions still work") == true)
        let reader = try Ledger.openForQuestions(path: path)
        #expect(try reader.deviceStates(tenant: nil, asOf: nil).count == 1)
    }
}
