import Crypto
import Foundation
import GRDB
import MDETestSupport
import Testing

/// Issue 20: `import retired` reads Intune's and Entra's device exports as the portals write them, in English and
/// Japanese, joining on the Entra device id and never on Intune's own id or Entra's object id
/// (docs/imports.md, "Intune's and Entra's exports, and Japanese headers").
@Suite struct ImportRetiredFormatsTests {
    static func fixture(_ name: String) -> String { TestFiles.inRepository("Tests/Fixtures/retired/\(name)") }

    /// The machines of `mde-devices.csv`: machine N has the Entra device id `NNNNNNNN-…` (1–4).
    static let machine = [1: "a1", 2: "b2", 3: "c3", 4: "d4", 5: "e5"].mapValues { String(repeating: $0, count: 20) }

    /// A ledger holding the five machines of `mde-devices.csv`.
    private func ledger(_ scratch: TemporaryFolder) async throws -> String {
        let db = scratch.path("l.sqlite")
        let result = try await CLIRunner.run(
            [
                "import", "machines", "--db", db, "--observed-at", "2026-06-21T00:00:00Z",
                Self.fixture("mde-devices.csv"),
            ])
        #expect(result.status == 0, "\(result.stderr)")
        return db
    }

    /// The recorded retirements: machine id, retired_at, matched_by, source.
    private func retirements(_ db: String) async throws -> [[String]] {
        try await DatabaseQueue(path: db).read { db in
            try Row.fetchAll(
                db, sql: "SELECT machine_id, retired_at, matched_by, source FROM retirements ORDER BY machine_id"
            ).map { [$0[0], $0[1], $0[2], $0[3]] }
        }
    }

    private func unmatchedSources(_ db: String) async throws -> [String] {
        try await DatabaseQueue(path: db).read {
            try String.fetchAll(
                $0, sql: "SELECT payload ->> '$.source' FROM events WHERE kind = 'retirement_unmatched' ORDER BY seq")
        }
    }

    private func digest(_ path: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }
            .joined()
    }

    @Test func aJapaneseIntuneExportJoinsOnItsEntraIdNeverOnIntunesId() async throws {
        let scratch = try TemporaryFolder()
        let db = try await ledger(scratch)
        let file = Self.fixture("intune-export-ja.csv")
        let result = try await CLIRunner.run(["import", "retired", "--db", db, "--retired-on", "2026/06/30", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("3 retirements read, 2 recorded"), "\(result.stdout)")
        // Row 2's Intune デバイス ID is machine 2's Entra id: machine 2 must stay unretired. Row 4 names machine 2's
        // host but its Entra id is nobody's: unmatched, not matched by name.
        #expect(
            try await retirements(db) == [
                [Self.machine[1]!, "2026-06-30T00:00:00Z", "aad_device_id", "intune-export-ja.csv:2"],
                [Self.machine[3]!, "2026-06-30T00:00:00Z", "aad_device_id", "intune-export-ja.csv:3"],
            ])
        #expect(try await unmatchedSources(db) == ["intune-export-ja.csv:4"])
        #expect(
            result.stderr.contains("warning: \(file) line 4: no device matches '55555555-5555-4555-8555-555555555555'"),
            "\(result.stderr)")
        let verify = try await CLIRunner.run(["verify", "--db", db])
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test func anEntraExportOfDisabledDevicesJoinsOnDeviceIdNeverObjectIdOrName() async throws {
        let scratch = try TemporaryFolder()
        let db = try await ledger(scratch)
        let result = try await CLIRunner.run(
            ["import", "retired", "--db", db, "--retired-on", "2026-07-01", Self.fixture("entra-export.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        // Row 2's objectId is machine 2's Entra id; row 3 has machine 3's name and an unknown deviceId.
        #expect(
            try await retirements(db) == [
                [Self.machine[4]!, "2026-07-01T00:00:00Z", "aad_device_id", "entra-export.csv:2"]
            ])
        #expect(try await unmatchedSources(db) == ["entra-export.csv:3"])
        let status = try await CLIRunner.run(["status", "--db", db, "ws-0103.contoso.com"])
        #expect(!status.stdout.contains("retired per"), "\(status.stdout)")
    }

    @Test func aJapaneseEntraExportJoinsOnItsDeviceId() async throws {
        let scratch = try TemporaryFolder()
        let db = try await ledger(scratch)
        let result = try await CLIRunner.run(
            ["import", "retired", "--db", db, "--retired-on", "2026年7月2日", Self.fixture("entra-export-ja.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        // デバイス ID is machine 2's Entra id, オブジェクト ID machine 1's.
        #expect(
            try await retirements(db) == [
                [Self.machine[2]!, "2026-07-02T00:00:00Z", "aad_device_id", "entra-export-ja.csv:2"]
            ])
    }

    /// The rule for Entra's export: imported only when every device on it is disabled; otherwise refused whole.
    @Test func anEntraExportWithEnabledDevicesIsRefusedWhole() async throws {
        let scratch = try TemporaryFolder()
        let db = try await ledger(scratch)
        let before = try digest(db)
        let file = Self.fixture("entra-export-enabled.csv")
        let result = try await CLIRunner.run(["import", "retired", "--db", db, "--retired-on", "2026-07-01", file])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: entra-export-enabled.csv was not imported; nothing changed"))
        #expect(
            result.stderr.contains("2 of 3 rows are enabled devices ('accountEnabled' True: lines 2, 4)"),
            "\(result.stderr)")
        #expect(result.stderr.contains("Enabled: No before Download devices"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try digest(db) == before, "the ledger's bytes are unchanged")
        #expect(try await retirements(db).isEmpty)
    }

    @Test func aFileWithoutADateColumnNeedsRetiredOnAndChangesNothing() async throws {
        let scratch = try TemporaryFolder()
        let db = try await ledger(scratch)
        let before = try ledgerDump(db)
        let beforeBytes = try digest(db)
        let result = try await CLIRunner.run(["import", "retired", "--db", db, Self.fixture("entra-export.csv")])
        // Exit 1 like every refused list (the bad-input corpus's retired-no-date-column.csv case); it names the fix.
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("entra-export.csv: the header must name a device column and a date column"))
        #expect(result.stderr.contains("--retired-on YYYY-MM-DD"), "\(result.stderr)")
        #expect(try ledgerDump(db) == before)
        #expect(try digest(db) == beforeBytes)
    }

    @Test func retiredOnWithADateColumnIsRefused() async throws {
        let scratch = try TemporaryFolder()
        let db = try await ledger(scratch)
        let before = try digest(db)
        let list = scratch.path("list.csv")
        try Data("device,retired_on\nws-0101,2026-06-01\n".utf8).write(to: URL(fileURLWithPath: list))
        let result = try await CLIRunner.run(["import", "retired", "--db", db, "--retired-on", "2026-07-01", list])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("list.csv has its own date column ('retired_on')"), "\(result.stderr)")
        #expect(try digest(db) == before)
    }

    @Test(arguments: ["03/04/2026", "2026-13-01", "9999-01-01", "２０２６年７月２日"])
    func anUnreadableRetiredOnIsAUsageError(_ date: String) async throws {
        let scratch = try TemporaryFolder()
        let db = try await ledger(scratch)
        let before = try digest(db)
        let result = try await CLIRunner.run(
            ["import", "retired", "--db", db, "--retired-on", date, Self.fixture("entra-export.csv")])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--retired-on"), "\(result.stderr)")
        #expect(try digest(db) == before)
    }

    /// Intune's "Device ID" is Intune's own id: an Intune export without its Entra id column is refused rather than
    /// joined on it.
    @Test func anIntuneExportWithoutItsEntraIdColumnIsRefused() async throws {
        let scratch = try TemporaryFolder()
        let db = try await ledger(scratch)
        let before = try digest(db)
        let list = scratch.path("intune.csv")
        // Intune's id here is machine 1's Entra id: joined on, it would retire machine 1.
        try Data(
            "\u{FEFF}Device ID,Device name,Last check-in\r\n11111111-1111-4111-8111-111111111111,ws-0101,2026-06-18\r\n"
                .utf8
        ).write(to: URL(fileURLWithPath: list))
        let result = try await CLIRunner.run(["import", "retired", "--db", db, "--retired-on", "2026-07-01", list])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(
            result.stderr.contains("intune.csv looks like Intune's device export but has no Entra device id column"),
            "\(result.stderr)")
        #expect(try digest(db) == before)
    }
}
