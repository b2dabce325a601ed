import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// Migration 0006 rewrites history written by the previous schema into the compact shape (issue 11).
@Suite struct SchemaUpgradeTests {
    /// What the old file said, read with its own schema and views before the upgrade.
    private struct Before {
        var head: String
        var documents: [String: String]  // "machine_id run" → raw JSON
        var states: [String: String]
    }

    private func readBefore(_ path: String) throws -> Before {
        try DatabaseQueue(path: path).read { db in
            let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")!
            var documents: [String: String] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT machine_id, run, raw_json FROM machine_observations WHERE raw_json IS NOT NULL")
            {
                documents["\(row[0] as String) \(row[1] as Int64)"] = row[2]
            }
            var states: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT machine_id, state FROM device_states") {
                states[row[0]] = row[1]
            }
            return Before(head: "\(head[0] as Int64):\(head[1] as String)", documents: documents, states: states)
        }
    }

    @Test func aLedgerOfThePreviousSchemaUpgradesWithNothingLost() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("ledger.sqlite")
        try FileManager.default.copyItem(atPath: TestFiles.ledger("schema-0005.sqlite"), toPath: path)
        let before = try readBefore(path)
        #expect(before.documents.count > 100)

        let ledger = try Ledger.open(path: path, create: true)
        let report = try ledger.verify()
        #expect(report.ok, "\(report.problems)")
        #expect(report.runsChecked == 4)
        let parts = before.head.split(separator: ":")
        #expect(try ledger.verify(head: (Int64(parts[0])!, String(parts[1]))).ok, "the old head is still in the chain")

        let queue = try DatabaseQueue(path: path)
        try await queue.read { db in
            let anchor = try JSONValue.parse(
                try String.fetchOne(db, sql: "SELECT payload FROM events WHERE kind = 'history_reshaped'") ?? "")
            #expect(anchor["old_head"] == .string(before.head))
            #expect(anchor["old_digests_mismatched"] == .array([]))
            // Every document of every run comes back byte for byte, whichever shape it is stored in now.
            var after: [String: String] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT machine_id, run, raw_json FROM machine_history WHERE raw_json IS NOT NULL")
            {
                after["\(row[0] as String) \(row[1] as Int64)"] = row[2]
            }
            #expect(after == before.documents)
            let sightings = try Int.fetchOne(db, sql: "SELECT count(*) FROM device_sightings") ?? 0
            let documents = try Int.fetchOne(db, sql: "SELECT count(*) FROM raw_documents") ?? 0
            #expect(sightings > 0, "lastSeen-only observations became sightings")
            #expect(documents < before.documents.count / 2, "unchanged documents are stored once")
            let rawRows = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM machine_observations WHERE raw_json IS NOT NULL")
            #expect(rawRows == 0, "every raw document moved to raw_documents")
        }
        let states = Dictionary(
            uniqueKeysWithValues: try ledger.deviceStates(tenant: nil, asOf: nil).map { ($0.id, $0.state.rawValue) })
        #expect(states == before.states)
        // `status` reads one device through its own copy of the view: it must agree with the list.
        for (id, state) in states.sorted(by: { $0.key < $1.key }).prefix(15) {
            #expect(try ledger.deviceStatus(id, tenant: nil, asOf: nil).device.state.rawValue == state, "\(id)")
        }
    }

    @Test func theUpgradedLedgerKeepsSyncingAndVerifying() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("ledger.sqlite")
        try FileManager.default.copyItem(atPath: TestFiles.ledger("schema-0005.sqlite"), toPath: path)
        let ledger = try Ledger.open(path: path, create: true)
        let ids = try await DatabaseQueue(path: path).read {
            try String.fetchAll($0, sql: "SELECT id FROM machines WHERE present = 1 ORDER BY id LIMIT 3")
        }
        let machines = try ids.map { try LedgerFixtures.machine($0, lastSeen: "2026-12-01T08:00:00.5Z") }
        let run = try await LedgerFixtures.commit(
            ledger, machines: machines, observedAt: "2026-12-01T09:00:00Z", complete: false)
        #expect(run.observationsWritten == 3)
        let report = try ledger.verify()
        #expect(report.ok, "\(report.problems)")
        #expect(report.runsChecked == 5)
    }
}
