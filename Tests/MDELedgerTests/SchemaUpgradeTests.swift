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

/// The digests of old runs are pinned (issue 18): each digest version reads its own literal column lists, so
/// tracking one more API field can never make `verify` call an old run altered.
@Suite struct FrozenDigestTests {
    /// v2: what this binary computes over the schema-5 file equals what the schema-5 binary recorded; v1 (the
    /// format of ledgers before migration 0004, of which no file is kept) over the same rows, pinned as literals.
    @Test func theDigestsTheOldBinaryRecordedStillMatch() throws {
        let queue = try DatabaseQueue(path: TestFiles.ledger("schema-0005.sqlite"), configuration: Self.readOnly)
        let recorded = try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT run, payload ->> '$.observations_sha256' AS digest,
                           COALESCE(payload ->> '$.digest_version', 1) AS version
                    FROM events WHERE kind = 'run_committed' AND payload ->> '$.observations_sha256' IS NOT NULL
                    """)
        }
        #expect(Set(recorded.map { $0["version"] as Int }) == [2])
        #expect(recorded.count == 4)
        for row in recorded {
            let computed = try queue.read { db in
                try RunDigest.compute(db, run: row["run"], version: row["version"])
            }
            #expect(computed == row["digest"], "run \(row["run"] as Int64)")
        }
        let v1 = try queue.read { db in try (1...4).map { try RunDigest.compute(db, run: Int64($0), version: 1) } }
        #expect(v1 == Self.pinnedV1, "\(v1)")
    }

    /// v3: the compact history the upgrade writes, pinned as literals (the upgrade and the digest cannot drift
    /// together unnoticed).
    @Test func theUpgradedRunsHaveTheirPinnedVersion3Digests() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("ledger.sqlite")
        try FileManager.default.copyItem(atPath: TestFiles.ledger("schema-0005.sqlite"), toPath: path)
        _ = try Ledger.open(path: path, create: true)
        let digests = try DatabaseQueue(path: path).read { db in
            try (1...4).map { try RunDigest.compute(db, run: Int64($0), version: 3) }
        }
        #expect(digests == Self.pinnedV3, "\(digests)")
    }

    static let pinnedV1 = [
        "bb49ec49e3c32fc7c01e70eee3a8e6735684333081103ba296e3012baadcbb79",
        "426f1a7fa35e1dbbbac3f4de3f899033b0d1a84d572a78ba3bf1642010b28808",
        "27af17929c50fde5813c9bb9e776ed7209cb584fb4fd2ed7d4234fb1d78bceec",
        "7166b7272e2cc8d800fe2b7e2790e1a378cf09f0bc7ee600d41d7b1f324f1aa2",
    ]

    static let pinnedV3 = [
        "dfc79e3889ff26d1b8a85b4c6df37f1ff426662f7ac7697b64ea743384b24479",
        "f381bad2fee4be23d21b32706088c489c81d5bd10cfe755a4bd4898164bc6af0",
        "34096c07f200e6b12adaca1e2dcfa71212886e8899ecf3003999bb4540bb02a0",
        "746cd9b6c7804b2d3df0ea189f239d4b7fbc96535f5505de3aeaa124c8589da7",
    ]

    static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }
}
