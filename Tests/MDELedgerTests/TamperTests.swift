import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// Each attack an auditor tried with sqlite3 (issue 10), on a fresh copy of a real ledger with the triggers dropped
/// and re-created around the edit: `verify` must name it, or the answer must not change.
@Suite struct TamperTests {
    @Test func theUntouchedLedgerVerifiesWithItsFindings() async throws {
        let t = try await TamperLedger.make()
        #expect(try t.problems() == [])
        let states = try t.states()
        #expect(states[TamperLedger.a] == "offboarded-still-reporting")
        #expect(states[TamperLedger.b] == "retired-still-reporting")
        #expect(states[TamperLedger.c] == "active")
    }

    /// Current-state tables and settings are conveniences: editing them changes no verdict.
    @Test(arguments: [
        "UPDATE machine_actions SET created_at = '2026-11-03T08:30:00Z', machine_id = NULL",
        "INSERT INTO tenant_settings (tenant, key, value) VALUES (1, 'offboard_grace_hours', '3650')",
        "DELETE FROM device_lifecycle",
        "INSERT INTO lifecycle_as_of VALUES ('2026-11-01T09:00:00Z')",
    ])
    func editingConveniencesChangesNoVerdict(sql: String) async throws {
        let t = try await TamperLedger.make()
        let before = try t.states()
        try t.tamper(sql)
        #expect(try t.states() == before)
    }

    @Test func aRowLeftInTheAsOfTableIsReported() async throws {
        let t = try await TamperLedger.make()
        try t.tamper("INSERT INTO lifecycle_as_of VALUES ('2026-11-01T09:00:00Z')")
        #expect(try t.problems().contains { $0.contains("lifecycle_as_of holds 1 row") })
    }

    /// Edits of history are caught by the run digests, the chain or the run bookkeeping.
    @Test(arguments: [
        ("UPDATE machine_observations SET health_status = 'Inactive' WHERE run = 1", "history of run 1"),
        // Run 2 moved only lastSeen: its history is narrow sightings, keyed by integer device keys.
        ("UPDATE device_sightings SET last_seen = last_seen - 86400 WHERE run = 2", "history of run 2"),
        ("UPDATE device_sightings SET fraction = '.9' WHERE run = 2", "history of run 2"),
        ("DELETE FROM device_sightings WHERE run = 2", "history of run 2"),
        ("UPDATE device_keys SET machine_id = 'someone-else' WHERE key = 1", "history of run 2"),
        ("UPDATE raw_documents SET body = replace(body, 'ws-a', 'ws-z')", "no longer match their SHA-256"),
        // Derived state the views use at the latest run: recomputed from history by verify.
        ("UPDATE device_latest SET sighting = NULL, last_seen = NULL", "device_latest differs from history"),
        ("DELETE FROM device_latest WHERE device = 1", "device_latest differs from history"),
        // A forger who also stores the new body's SHA-256 changes the address the run digest covers.
        (
            "UPDATE raw_documents SET body = 'x', "
                + "sha256 = X'2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881' WHERE id = 1",
            "history of run 1"
        ),
        ("UPDATE machine_action_observations SET created_at = '2026-11-03T08:30:00Z'", "history of run 1"),
        ("UPDATE machine_action_observations SET machine_id = NULL WHERE run = 2", "history of run 2"),
        ("UPDATE retirements SET retired_at = '2027-01-01'", "history of run 3"),
        ("DELETE FROM retirements", "history of run 3"),
        ("UPDATE sync_runs SET observed_at = '2026-11-05T09:00:00Z' WHERE id = 2", "history of run 2"),
        ("UPDATE sync_runs SET events_written = 1 WHERE id = 2", "run 2 wrote 1 events"),
        ("UPDATE events SET occurred_at = '2026-11-05T09:00:00Z' WHERE kind = 'run_committed'", "first broken link"),
        (
            "INSERT INTO sync_runs (id, tenant, kind, status, complete, started_at, finished_at, observed_at, source) "
                + "VALUES (9, 1, 'sync', 'committed', 0, 'x', 'x', '2026-11-04T00:00:00Z', 'forged');"
                + "INSERT INTO machine_observations (tenant, machine_id, run, observed_at, present, machine_tags, "
                + "last_seen, onboarding_status) SELECT 1, machine_id, 9, '2026-11-04T00:00:00Z', 1, '[]', "
                + "'2026-11-04T00:00:00Z', 'Onboarded' FROM machine_observations WHERE run = 1",
            "run 9 has no run_committed event"
        ),
        (
            "INSERT INTO retirements (tenant, machine_id, retired_at, device_input, matched_by, source, run, imported_at) "
                + "SELECT 1, machine_id, '2026-10-01', 'x', 'id', 'x', 2, 'x' FROM machine_observations WHERE run = 1",
            "history of run 2"
        ),
        (
            "INSERT INTO machine_observations (tenant, machine_id, run, observed_at, present, machine_tags) "
                + "VALUES (1, 'ghost', 77, '2026-11-02T00:00:00Z', 1, '[]')",
            "name a run that does not exist"
        ),
        (
            "INSERT INTO device_sightings (run, device, last_seen, fraction) VALUES (77, 1, 0, '')",
            "device_sightings rows name a run that does not exist"
        ),
    ])
    func editingHistoryIsNamed(sql: String, expected: String) async throws {
        let t = try await TamperLedger.make()
        try t.tamper(sql)
        let problems = try t.problems()
        #expect(problems.contains { $0.contains(expected) }, "\(problems)")
    }

    /// Deleting the newest run's run_committed event (which carries its digest), then editing that run.
    @Test func cuttingTheTailOfARunIsNamed() async throws {
        let t = try await TamperLedger.make()
        try t.tamper(
            "DELETE FROM events WHERE seq = (SELECT max(seq) FROM events);"
                + "UPDATE retirements SET retired_at = '2027-01-01'")
        #expect(try t.problems().contains { $0.contains("run 3 has no run_committed event") })
    }

    @Test func reorderingEventsIsNamed() async throws {
        let t = try await TamperLedger.make()
        try t.tamper(
            "UPDATE events SET seq = -seq WHERE seq IN (2, 3); UPDATE events SET seq = 3 WHERE seq = -2;"
                + "UPDATE events SET seq = 2 WHERE seq = -3")
        #expect(try t.problems().contains { $0.contains("first broken link: event 2") })
    }

    /// Removing a whole run and everything it wrote leaves a consistent but shorter ledger: only a head
    /// recorded earlier (on a report) shows the loss.
    @Test func truncatingWholeRunsIsCaughtByAnEarlierHead() async throws {
        let t = try await TamperLedger.make()
        let head = try t.ledger.verify()
        try t.tamper(
            "DELETE FROM events WHERE run = 3; DELETE FROM retirements WHERE run = 3; DELETE FROM sync_runs WHERE id = 3"
        )
        #expect(try t.problems() == [])
        let problems = try t.ledger.verify(head: (head.headSeq, head.headHash)).problems
        #expect(problems.contains { $0.contains("head \(head.head) is gone") }, "\(problems)")
        #expect(try t.ledger.verify(head: (1, head.headHash)).problems.contains { $0.contains("now has hash") })
    }

    @Test func aDroppedTriggerIsNamed() async throws {
        let t = try await TamperLedger.make()
        try await t.queue.write { try $0.execute(sql: "DROP TRIGGER retirements_no_update") }
        #expect(try t.problems().contains { $0.contains("trigger retirements_no_update is missing") })
    }

    /// An action first observed without its machine id: the answer as of that time must not move when the id
    /// arrives later (the view reads the observation at or before T, not the current row).
    @Test func asOfAnswersDoNotMoveWhenLaterDataArrives() async throws {
        let t = try await TamperLedger.make()
        let earlier = try t.ledger.deviceStates(tenant: nil, asOf: "2026-11-02T00:00:00Z")
        #expect(earlier.first { $0.id == TamperLedger.a }?.offboardActionId == nil)
        try await LedgerFixtures.commit(
            t.ledger, machines: [try LedgerFixtures.machine(TamperLedger.a, name: "ws-a")],
            actions: [try TamperLedger.offboard(machine: TamperLedger.a)], observedAt: "2026-11-04T09:00:00Z",
            complete: false)
        #expect(try t.ledger.deviceStates(tenant: nil, asOf: "2026-11-02T00:00:00Z") == earlier)
    }
}

/// Issue 18's tamper cases, on the same real ledger: forgeries that keep the chain correct.
@Suite struct TamperIITests {
    /// Appends a committed run dated `time` (the latest run's time when nil) with a correctly chained
    /// run_committed event and a correct digest: what an attacker with this code can do.
    static func appendForgedRun(_ t: TamperLedger, at time: String?) async throws -> String {
        try await t.queue.write { db in
            let tenant: Int64 = try Int64.fetchOne(db, sql: "SELECT id FROM tenants")!
            let at = try time ?? String.fetchOne(db, sql: "SELECT max(observed_at) FROM sync_runs")!
            try db.execute(
                sql: """
                    INSERT INTO sync_runs (tenant, kind, status, complete, started_at, finished_at, observed_at, source,
                        events_written, observations_written)
                    VALUES (?, 'sync', 'committed', 0, ?, ?, ?, 'forged', 1, 0)
                    """, arguments: [tenant, at, at, at])
            let run = db.lastInsertedRowID
            try EventAppender(db, clock: .system).append(
                kind: "run_committed", subject: "run:\(run)", tenant: tenant, run: run, occurredAt: at,
                payload: .object([
                    "kind": .string("sync"), "digest_version": .int(Int64(RunDigest.currentVersion)),
                    "observations_sha256": .string(try RunDigest.compute(db, run: run)),
                ]))
            return at
        }
    }

    /// Item 2: a run dated before its predecessor rewrites the past: verify must refuse it.
    @Test func aPastRunAppendedWithProperEventsFailsVerify() async throws {
        let t = try await TamperLedger.make()
        #expect(try t.problems() == [])
        _ = try await Self.appendForgedRun(t, at: "2026-10-20T09:00:00Z")
        let problems = try t.problems()
        #expect(problems.contains { $0.contains("is dated 2026-10-20T09:00:00Z, before run 2") }, "\(problems)")
    }

    /// Item 6: a run in the same second as the latest run leaves "the newest at or before T" to `seq`: from
    /// ledger format 5 on no two runs of one stream share a second, so verify refuses it.
    @Test func aRunSharingTheLatestRunsSecondFailsVerify() async throws {
        let t = try await TamperLedger.make()
        let time = try await Self.appendForgedRun(t, at: nil)
        let problems = try t.problems()
        #expect(
            problems.contains {
                $0.contains("run 4 shares its time \(time) with run 2 of the same tenant, both of machines")
            }, "\(problems)")
    }

    /// A second format marker appended later cannot move a boundary (the first one counts), and is named.
    @Test func aSecondFormatMarkerFailsVerify() async throws {
        let t = try await TamperLedger.make()
        try await t.queue.write { db in
            try EventAppender(db, clock: .system).append(
                kind: "ledger_format", subject: "migration:0009_time_order", tenant: nil, run: nil,
                occurredAt: "2026-11-04T00:00:00Z",
                payload: .object(["format": .int(5), "first_event": .int(1000), "first_run": .int(1000)]))
        }
        let problems = try t.problems()
        #expect(problems.contains { $0.hasPrefix("ledger format 5 is marked by events ") }, "\(problems)")
    }

    /// Item 1: history rewritten, one `ledger_formats` row edited, and a correctly chained `history_reshaped`
    /// event appended with the rewritten history's digests: verify must see that no migration wrote that event.
    @Test func aReanchoringAppendedLaterFailsVerify() async throws {
        let t = try await TamperLedger.make()
        let head = try t.ledger.verify()
        try t.tamper(
            """
            UPDATE machine_observations SET health_status = 'Inactive' WHERE run = 1;
            UPDATE ledger_formats SET first_run = 100 WHERE format = 3;
            """)
        try await t.queue.write { db in
            let old = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")!
            var digests: [String: JSONValue] = [:]
            for run in try Int64.fetchAll(db, sql: "SELECT id FROM sync_runs ORDER BY id") {
                digests[String(run)] = .string(try RunDigest.compute(db, run: run, version: 3))
            }
            try EventAppender(db, clock: .system).append(
                kind: "history_reshaped", subject: "migration:0006_compact", tenant: nil, run: nil,
                occurredAt: "2026-11-04T00:00:00Z",
                payload: .object([
                    "old_head": .string("\(old[0] as Int64):\(old[1] as String)"), "digest_version": .int(3),
                    "run_digests": .object(digests),
                ]))
        }
        let report = try t.ledger.verify(head: (head.headSeq, head.headHash))
        #expect(
            report.problems.contains { $0.contains("appended later, not written by migration 0006") },
            "\(report.problems)")
        #expect(report.problems.contains { $0.contains("ledger_formats says the compact format starts at run 100") })
        #expect(report.notes.contains { $0.contains("after head \(head.headSeq)") }, "\(report.notes)")
    }

    /// Item 3: a second `tenant_added` event appended later (correctly chained) whose settings apply from the
    /// beginning would rewrite every earlier answer.
    @Test func aTenantAddedAgainLaterFailsVerify() async throws {
        let t = try await TamperLedger.make()
        let before = try t.states(asOf: "2026-11-04T09:00:00Z")
        try await t.queue.write { db in
            try EventAppender(db, clock: .system).append(
                kind: "tenant_added", subject: "tenant:default", tenant: 1, run: nil,
                occurredAt: "2026-11-05T00:00:00Z",
                payload: .object(["stale_hours": .int(1), "inactive_days": .int(1)]))
        }
        #expect(try t.states(asOf: "2026-11-04T09:00:00Z") != before, "the forged settings do change the past")
        let problems = try t.problems()
        #expect(problems.contains { $0.contains("adds tenant:default again") }, "\(problems)")
    }

    /// A backdated setting is allowed but listed, with when it was recorded and from when it applies.
    @Test func aBackdatedSettingIsListed() async throws {
        let t = try await TamperLedger.make()
        _ = try t.ledger.setTenant("default", key: "stale_hours", value: "96", effectiveAt: "2026-11-01T00:00:00Z")
        let report = try t.ledger.verify()
        #expect(report.ok, "\(report.problems)")
        #expect(
            report.notes.contains { $0.contains("stale_hours set to 96") && $0.contains("from 2026-11-01T00:00:00Z") },
            "\(report.notes)")
    }

    /// Item 7: failed runs (what sync-health reports) and tenant names are tied to chained events from format 4 on.
    @Test(arguments: [
        ("UPDATE sync_runs SET error = 'nothing to see' WHERE status = 'failed'", "differs from its run_failed event"),
        ("DELETE FROM sync_runs WHERE status = 'failed'", "names run 4, which is not a failed run"),
        ("UPDATE tenants SET name = 'contoso-prod'", "is named 'contoso-prod' but its tenant_added event says"),
    ])
    func failedRunsAndTenantNamesAreCovered(sql: String, problem: String) async throws {
        let t = try await TamperLedger.make()
        await t.ledger.recordFailedRun(
            RunInfo(
                tenant: TenantSelection(name: nil), kind: "sync", complete: true, startedAt: "2026-11-04T09:00:00Z",
                observedAt: "2026-11-04T09:00:00Z", source: "https://api.security.microsoft.com"),
            error: "GET /api/machines failed: 503 Service Unavailable")
        #expect(try t.problems() == [])
        let failedEvents = try await t.ledger.dbQueue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE kind = 'run_failed'")
        }
        #expect(failedEvents == 1)
        try t.tamper(sql)
        let problems = try t.problems()
        #expect(problems.contains { $0.contains(problem) }, "\(problems)")
    }
}
