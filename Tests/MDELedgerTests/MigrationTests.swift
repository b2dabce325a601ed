import Foundation
import GRDB
import MDETestSupport
import Testing

@testable import MDELedger

@Suite struct MigrationTests {
    @Test func initCreatesOwnerOnlyFileAtLatestVersion() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("ledger.sqlite")
        let ledger = try Ledger.open(path: path, create: true)
        #expect(try ledger.schemaVersion() == Migration.bundled.last!.version)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try ledger.migrate().isEmpty, "a second migrate applies nothing")
    }

    @Test func missingLedgerNamesInit() throws {
        let folder = try TemporaryFolder()
        #expect(throws: LedgerError.self) { try Ledger.open(path: folder.path("none.sqlite")) }
        do {
            _ = try Ledger.open(path: folder.path("none.sqlite"))
        } catch {
            #expect("\(error)".contains("mde-ledger init"))
        }
    }

    @Test func changedMigrationChecksumIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("ledger.sqlite")
        _ = try Ledger.open(path: path, create: true)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "UPDATE schema_migrations SET checksum = 'deadbeef' WHERE version = 1")
        }
        let error = #expect(throws: MigrationError.self) { try Ledger.open(path: path, create: true) }
        #expect(error?.description.contains("0001_ledger") == true)
        #expect(error?.description.contains("never be edited") == true)
    }

    @Test func unknownMigrationIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("ledger.sqlite")
        _ = try Ledger.open(path: path, create: true)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO schema_migrations VALUES (9999, '9999_future', 'abc', '2030-01-01T00:00:00Z')")
        }
        let error = #expect(throws: MigrationError.self) { try Ledger.open(path: path) }
        #expect(error?.description.contains("9999_future") == true)
    }

    /// A ledger written by an older mde-ledger: read commands ask for `init`, which upgrades it in place.
    @Test func olderLedgerIsUpgradedByInit() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("ledger.sqlite")
        let queue = try DatabaseQueue(path: path)
        _ = try Migrator(migrations: Array(Migration.bundled.prefix(1))).migrate(queue, clock: .system)
        try queue.close()
        let pending = Migration.bundled.dropFirst().map(\.name)
        let error = #expect(throws: MigrationError.self) { try Ledger.open(path: path) }
        #expect(error?.description.contains(pending.joined(separator: ", ")) == true)
        #expect(error?.description.contains("mde-ledger init") == true)
        let listed = try Ledger.open(path: path, readOnly: true, allowPending: true).migrationStatus()
        #expect(listed.filter { $0.state == .pending }.map(\.name) == pending)
        let upgraded = try Ledger.open(path: path, create: true)
        #expect(try upgraded.schemaVersion() == Migration.bundled.last!.version)
        #expect(try upgraded.verify().ok)
    }

    @Test func notSQLiteIsAClearError() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("notes.txt")
        try Data("hello, this is not a database, not at all, really\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: LedgerError.self) { try Ledger.open(path: path) }
        #expect(error?.description.contains("is not a SQLite file, so not an mde-ledger ledger") == true)
    }
}

@Suite struct EmbeddedSQLTests {
    /// The generated EmbeddedSQL.swift must match the .sql files (run `make embed` after editing them).
    @Test(arguments: ["migrations", "reports"])
    func embeddedFilesMatchTheTree(folder: String) throws {
        let dir = TestFiles.repositoryRoot.appendingPathComponent(folder)
        // git keeps no empty folders: a missing folder has no SQL files.
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
            .filter { $0.hasSuffix(".sql") }.sorted()
        let embedded = folder == "migrations" ? EmbeddedSQL.migrations : EmbeddedSQL.reports
        #expect(embedded.map(\.name) == files.map { String($0.dropLast(4)) })
        for (name, sql) in embedded {
            var text = try String(contentsOf: dir.appendingPathComponent(name + ".sql"), encoding: .utf8)
            if text.hasSuffix("\n") { text.removeLast() }
            #expect(sql == text, "\(folder)/\(name).sql differs from EmbeddedSQL.swift; run 'make embed'")
        }
    }
}
