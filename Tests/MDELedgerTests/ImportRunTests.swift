import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// An import as a run: partial or complete, its observation time, its tenant.
@Suite struct ImportRunTests {
    private func write(_ text: String, _ name: String, in folder: TemporaryFolder) throws -> String {
        let path = folder.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func csv(_ ids: [String], lastSeen: String = "2026-05-01T00:00:00Z") -> String {
        "Device ID,Device Name,Last device update\n" + ids.map { "\($0),pc-\($0),\(lastSeen)\n" }.joined()
    }

    private func run(_ path: String, _ id: Int64) throws -> Row? {
        try DatabaseQueue(path: path).read { db in
            try Row.fetchOne(
                db, sql: "SELECT kind, complete, observed_at, source, status FROM sync_runs WHERE id = ?",
                arguments: [id])
        }
    }

    @Test func partialNeverRemovesAndCompleteDoes() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let both = try write(csv(["aaaa", "bbbb"]), "both.csv", in: folder)
        let one = try write(csv(["aaaa"]), "one.csv", in: folder)
        try await ImportFiles.run(ledger, .machines, [both], observedAt: "2026-05-02T00:00:00Z")
        let partial = try await ImportFiles.run(ledger, .machines, [one], observedAt: "2026-05-03T00:00:00Z")
        #expect(partial.summary.removed == 0 && !partial.summary.complete)
        let complete = try await ImportFiles.run(
            ledger, .machines, [one], observedAt: "2026-05-04T00:00:00Z", complete: true)
        #expect(complete.summary.removed == 1 && complete.summary.complete)
        let present = try await DatabaseQueue(path: ledger.path).read { db in
            try String.fetchAll(db, sql: "SELECT id FROM machines WHERE present = 1 ORDER BY id")
        }
        #expect(present == ["aaaa"])
        let row = try #require(try run(ledger.path, complete.summary.run))
        #expect(row[0] as String == "import" && row[1] as Int == 1)
    }

    @Test func observedAtIsRecordedAsTheRunsTime() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let file = try write(csv(["aaaa"]), "devices.csv", in: folder)
        let outcome = try await ImportFiles.run(ledger, .machines, [file], observedAt: "2026-05-02T08:30:00+02:00")
        #expect(outcome.observedAtSource == .option)
        let row = try #require(try run(ledger.path, outcome.summary.run))
        #expect(row[2] as String == "2026-05-02T06:30:00Z")
        #expect(row[4] as String == "committed")
        #expect((row[3] as String).contains("devices.csv (sha256 "), "the run names its files and their digests")
        let observed = try await DatabaseQueue(path: ledger.path).read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT observed_at FROM machine_observations")
        }
        #expect(observed == ["2026-05-02T06:30:00Z"])
    }

    @Test func withoutObservedAtTheClockIsUsedAndSaidSo() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let file = try write(csv(["aaaa"]), "devices.csv", in: folder)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let importer = SnapshotImporter(kind: .machines, paths: [file])
        let outcome = try await importer.commit(try importer.load(), to: ledger, now: now)
        #expect(outcome.observedAtSource == .clock)
        #expect(outcome.summary.observedAt == UTCTime.format(now))
    }

    @Test func futureObservedAtIsRefused() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(throws: ImportError.self) {
            try ObservedAt.parse(UTCTime.format(now.addingTimeInterval(3600)), now: now)
        }
        #expect(try ObservedAt.parse(UTCTime.format(now.addingTimeInterval(120)), now: now) != "", "skew is tolerated")
        let error = #expect(throws: ImportError.self) { try ObservedAt.parse("last week", now: now) }
        #expect(error?.description.contains("ISO-8601") == true)
    }

    @Test func dataNewerThanTheObservationTimeIsRefused() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let file = try write(csv(["aaaa"], lastSeen: "2026-05-09T17:00:00Z"), "devices.csv", in: folder)
        let error = try #require(await ImportFiles.failure(ledger, .machines, [file], observedAt: "2026-05-09"))
        #expect(error.hasPrefix("\(file):2 has a time 2026-05-09T17:00:00Z after the observation time"), "\(error)")
        #expect(error.contains("--observed-at 2026-05-09T17:00:00Z"))
        #expect(try ledger.tenants().isEmpty, "nothing was written")
    }

    /// Item 6 of issue 18: two imports of machines never share a second. A typed time is refused with the time it
    /// needs; a time from this computer's clock is moved one second on, and the warning records it.
    @Test func twoMachineImportsNeverShareASecond() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let file = try write(csv(["aaaa"]), "devices.csv", in: folder)
        try await ImportFiles.run(ledger, .machines, [file], observedAt: "2026-05-10T00:00:00Z")
        let before = try ledgerDump(ledger.path)
        let error = try #require(
            await ImportFiles.failure(ledger, .machines, [file], observedAt: "2026-05-10T00:00:00Z"))
        #expect(error.contains("already dated 2026-05-10T00:00:00Z, the same second"), "\(error)")
        #expect(error.contains("--observed-at (here 2026-05-10T00:00:01Z or later)"), "\(error)")
        #expect(try ledgerDump(ledger.path) == before)
        let importer = SnapshotImporter(kind: .machines, paths: [file])
        let now = try #require(UTCTime.parse("2026-05-10T00:00:00Z"))
        let moved = try await importer.commit(try importer.load(), to: ledger, now: now)
        #expect(moved.summary.observedAt == "2026-05-10T00:00:01Z")
        #expect(
            moved.summary.warnings == [
                "this computer's clock said 2026-05-10T00:00:00Z, but run 1 of this tenant is already dated "
                    + "2026-05-10T00:00:00Z, the same second; recorded as 2026-05-10T00:00:01Z (1 s later)"
            ])
        #expect(try ledger.verify().ok)
    }

    @Test func anImportOlderThanTheTenantsLatestRunIsRefused() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let file = try write(csv(["aaaa"]), "devices.csv", in: folder)
        try await ImportFiles.run(ledger, .machines, [file], observedAt: "2026-05-10T00:00:00Z")
        let before = try ledgerDump(ledger.path)
        let error = try #require(
            await ImportFiles.failure(ledger, .machines, [file], observedAt: "2026-05-09T00:00:00Z"))
        #expect(
            error.contains("run 1 of this tenant is dated 2026-05-10T00:00:00Z, after 2026-05-09T00:00:00Z"), "\(error)"
        )
        #expect(try ledgerDump(ledger.path) == before)
        // The same capture time is fine: machines and actions of one capture are two imports.
        let actions = try await ImportFiles.run(
            ledger, .actions, [ImportFiles.published("machineaction-get.json")], observedAt: "2026-05-10T00:00:00Z")
        #expect(actions.summary.actionsNew == 1)
    }

    @Test func severalTenantsNeedTheTenantAndUnknownNamesAreRefused() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let file = try write(csv(["aaaa"]), "devices.csv", in: folder)
        // An empty ledger: the first import names (and creates) the tenant.
        let first = try await ImportFiles.run(ledger, .machines, [file], tenant: "contoso")
        #expect(first.summary.tenant == "contoso")
        let typo = try #require(await ImportFiles.failure(ledger, .machines, [file], tenant: "contosso"))
        #expect(typo.contains("unknown tenant 'contosso'; known: contoso; add it first with"), "\(typo)")
        try ledger.addTenant(NewTenant(name: "fabrikam"))
        let before = try ledgerDump(ledger.path)
        let ambiguous = try #require(await ImportFiles.failure(ledger, .machines, [file]))
        #expect(ambiguous.contains("several tenants (contoso, fabrikam); pass --tenant NAME"), "\(ambiguous)")
        #expect(try ledgerDump(ledger.path) == before)
        let second = try await ImportFiles.run(ledger, .machines, [file], tenant: "fabrikam")
        #expect(second.summary.tenant == "fabrikam" && second.summary.discovered == 1, "devices are per tenant")
    }

    @Test func reimportingTheSameFileWritesNoHistory() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await ImportFiles.run(ledger, .machines, [ImportFiles.fixture("portal-devices.csv")])
        let again = try await ImportFiles.run(
            ledger, .machines, [ImportFiles.fixture("portal-devices.csv")], observedAt: "2026-05-15T00:00:00Z")
        #expect(again.summary.observationsWritten == 0 && again.summary.discovered == 0)
        #expect(try ledger.verify().ok)
    }
}
