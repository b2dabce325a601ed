import Foundation
import GRDB
import LedgerPostgres
import MDETestSupport
import NIOCore
import Testing

/// `--db postgresql://…` on the built binary against the test PostgreSQL server.
@Suite struct PostgresCLITests {
    static func url(_ database: String) throws -> String {
        "postgresql://postgres@/\(database)?host=\(try RunningPostgres.socketFolder())"
    }

    @Test func initMigratesAPostgresDatabaseAndMigrateListsIt() async throws {
        let url = try Self.url(try RunningPostgres.newDatabase())
        let first = try await CLIRunner.run(["init", "--db", url])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("PostgreSQL migrations applied"))
        #expect(first.stdout.contains("applied now: 0001_ledger"))
        let again = try await CLIRunner.run(["init", "--db", url])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stdout.contains("applied now"))
        let list = try await CLIRunner.run(["migrate", "--list"], environment: ["MDE_LEDGER_DB": url])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.hasPrefix("0001_ledger  applied "))
    }

    @Test func otherCommandsRefuseAPostgresLedgerInsteadOfMakingAFileOfTheURL() async throws {
        let folder = try TemporaryFolder()
        let url = try Self.url(try RunningPostgres.newDatabase())
        for args in [["status", "abc"], ["report", "license-compliance"], ["devices"], ["sync"]] {
            let result = try await CLIRunner.run(args + ["--db", url], directory: folder.url)
            #expect(result.status == 64, "\(args): \(result.stderr)")
            #expect(result.stderr.contains("needs a SQLite ledger file"), "\(args): \(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test func aPasswordInTheURLIsRefusedAndNotEchoed() async throws {
        let result = try await CLIRunner.run(["init", "--db", "postgresql://owner:Hunter2xyz@db.example.jp/mde"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("password file"), "\(result.stderr)")
        #expect(!result.stderr.contains("Hunter2xyz"))
        #expect(!result.stdout.contains("Hunter2xyz"))
    }

    @Test func plainTextOffLoopbackIsRefusedBeforeConnecting() async throws {
        let result = try await CLIRunner.run([
            "migrate", "--list", "--db", "postgresql://db.example.jp/mde?sslmode=disable",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("use sslmode=require"), "\(result.stderr)")
    }
}

/// `mde-ledger copy` from a synced SQLite ledger into PostgreSQL: every table byte for byte.
@Suite struct PostgresCopyCLITests {
    @Test func aSyncedLedgerArrivesRowForRowWithItsHead() async throws {
        let folder = try TemporaryFolder()
        let (db, trusted) = try await VerifySinceTests.ledger(folder)
        let head = try await VerifySinceTests.head(db)
        let database = try RunningPostgres.newDatabase()
        let url = try PostgresCLITests.url(database)
        let before = try await CLIRunner.run(["copy", "--from", db, "--to", url])
        #expect(before.status == 1)
        #expect(before.stderr.contains("pending migrations"), "\(before.stderr)")
        #expect(try await CLIRunner.run(["init", "--db", url]).status == 0)
        let copy = try await CLIRunner.run(["copy", "--from", db, "--to", url])
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(copy.stdout.contains("head: \(head)\n"))
        #expect(head != trusted)
        // Every table, in COPY's text form on both sides, ordered by its primary key.
        let sqlite = try DatabaseQueue(path: db)
        for table in SQLiteToPostgres.tables {
            let (columns, key) = try await sqlite.read { db in
                let rows = try Row.fetchAll(
                    db, sql: "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
                return (
                    rows.map { $0[0] as String },
                    rows.filter { ($0[1] as Int) > 0 }.sorted { ($0[1] as Int) < ($1[1] as Int) }.map {
                        $0[0] as String
                    }
                )
            }
            let select =
                "SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(key.joined(separator: ", "))"
            let expected = try await sqlite.read { db in
                var buffer = ByteBuffer()
                for row in try Row.fetchAll(db, sql: select) {
                    CopyText.append((0..<columns.count).map { SQLiteToPostgres.field(row[$0]) }, to: &buffer)
                }
                return String(buffer: buffer)
            }
            let actual = try RunningPostgres.psql(database, "COPY (\(select)) TO STDOUT")
            #expect(actual == expected, "\(table) differs after the copy")
            if ["events", "machine_observations", "raw_documents", "device_sightings"].contains(table) {
                #expect(!expected.isEmpty, "\(table) is empty in the synced ledger")
            }
        }
        // The heads an auditor holds from the SQLite ledger hold on the copy; the chain is walked with SQLite's rules.
        for held in [head, trusted] {
            let verify = try await CLIRunner.run(["verify", "--db", url, "--head", held])
            #expect(verify.status == 0, "\(verify.stderr)")
            #expect(verify.stdout.contains("head: \(head)\n"), "\(verify.stdout)")
            #expect(verify.stdout.contains("ok: the event chain verifies and still holds head \(held)"))
            #expect(
                verify.stdout.contains("note: on PostgreSQL, verify checks the migrations and the event chain only"))
        }
        let cut = try await CLIRunner.run([
            "verify", "--db", url, "--head", "999999:" + String(repeating: "a", count: 64),
        ])
        #expect(cut.status == 1)
        #expect(cut.stderr.contains("is gone: the ledger has no event 999999"), "\(cut.stderr)")
        // A superuser can switch the triggers off and edit a row; the chain names the event.
        let edited = try RunningPostgres.psql(
            database,
            "ALTER TABLE events DISABLE TRIGGER USER; "
                + "UPDATE events SET occurred_at = '2020-01-01T00:00:00Z' WHERE seq = 3 RETURNING seq")
        #expect(edited.hasPrefix("3"))
        let tampered = try await CLIRunner.run(["verify", "--db", url])
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("first broken link: event 3 "), "\(tampered.stderr)")
        #expect(tampered.stderr.contains("was altered"), "\(tampered.stderr)")
        let since = try await CLIRunner.run(["verify", "--db", url, "--since", trusted])
        #expect(since.status == 64, "\(since.stderr)")
        let again = try await CLIRunner.run(["copy", "--from", db, "--to", url])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds a ledger"), "\(again.stderr)")
    }
}
