import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// The ledger rules behind the audit promises (issue 10): thresholds from history, time order, duplicate copies,
/// every raw change kept, and older chains that keep verifying.
@Suite struct AuditRulesTests {
    static let a = String(repeating: "a", count: 40)

    /// A setting changed later does not change an answer about an earlier time; the answer states the value used.
    @Test func pastAnswersUseTheThresholdsInForceThen() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await LedgerFixtures.commit(
            ledger, machines: [try LedgerFixtures.machine(Self.a, lastSeen: "2026-11-01T00:00:00Z")],
            observedAt: "2026-11-04T00:00:00Z")
        let before = try ledger.deviceStates(tenant: nil, asOf: nil)
        #expect(before.map(\.state) == [.stale])  // 72 h without a signal, over the 48 h default
        _ = try ledger.setTenant("default", key: "stale_hours", value: "96")
        #expect(try ledger.deviceStates(tenant: nil, asOf: "2026-11-04T00:00:00Z") == before)
        #expect(try ledger.describeScope(tenant: nil, asOf: nil, count: 1).contains("stale 48 h"))
        // The next run is judged by the new value.
        try await LedgerFixtures.commit(
            ledger, machines: [try LedgerFixtures.machine(Self.a, lastSeen: "2026-11-01T00:00:00Z")],
            observedAt: LedgerClock.system.nowText())
        let later = try ledger.deviceStates(tenant: nil, asOf: nil)
        #expect(try ledger.describeScope(tenant: nil, asOf: nil, count: 1).contains("stale 96 h"))
        #expect(later.first?.state == .inactive)
    }

    /// A change made with an explicit earlier effective time applies from then, visibly: its event carries the
    /// effective time as occurred_at and the moment it was made as recorded_at.
    @Test func aBackdatedSettingAppliesFromItsEffectiveTime() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await LedgerFixtures.commit(
            ledger, machines: [try LedgerFixtures.machine(Self.a, lastSeen: "2026-11-01T00:00:00Z")],
            observedAt: "2026-11-04T00:00:00Z")
        _ = try ledger.setTenant("default", key: "stale_hours", value: "96", effectiveAt: "2026-10-01T00:00:00Z")
        #expect(try ledger.deviceStates(tenant: nil, asOf: nil).map(\.state) == [.active])
        #expect(try ledger.deviceStates(tenant: nil, asOf: "2026-09-30T00:00:00Z").isEmpty)
        let event = try await DatabaseQueue(path: ledger.path).read {
            try Row.fetchOne(
                $0, sql: "SELECT occurred_at, recorded_at FROM events WHERE kind = 'tenant_setting_changed'")
        }
        #expect(event?["occurred_at"] == "2026-10-01T00:00:00Z")
        #expect((event?["recorded_at"] as String?)?.hasPrefix("2026-10-01") == false)
        #expect(try ledger.verify().ok)
    }

    @Test func aSyncEarlierThanTheLatestRunIsRefusedAndASmallStepBackIsClamped() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let device = [try LedgerFixtures.machine(Self.a)]
        try await LedgerFixtures.commit(ledger, machines: device, observedAt: "2026-11-02T09:00:00Z")
        // A server clock two minutes behind is moved past the latest run, never onto it, and the skew recorded.
        let clamped = try await LedgerFixtures.commit(ledger, machines: device, observedAt: "2026-11-02T08:58:00Z")
        #expect(clamped.observedAt == "2026-11-02T09:00:01Z")
        #expect(
            clamped.warnings == [
                "the server's clock said 2026-11-02T08:58:00Z, but run 1 of this tenant is dated 2026-11-02T09:00:00Z, "
                    + "after 2026-11-02T08:58:00Z; recorded as 2026-11-02T09:00:01Z (121 s later)"
            ])
        let error = await #expect(throws: LedgerError.self) {
            try await LedgerFixtures.commit(ledger, machines: device, observedAt: "2026-11-01T09:00:00Z")
        }
        #expect(error?.description.contains("so it needs 2026-11-02T09:00:02Z or later") == true)
        #expect(try ledger.verify().ok)
    }

    @Test func duplicateCopiesInOneSnapshotAreMergedOrReported() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let staging = Staging(dbQueue: ledger.dbQueue)
        try await staging.reset()
        let first = try LedgerFixtures.machine(Self.a, name: "ws-a")
        var found = try await staging.add(machines: [first, first])
        #expect(found.identical == 1 && found.differing.isEmpty)
        found.merge(try await staging.add(machines: [try LedgerFixtures.machine(Self.a, name: "ws-renamed")]))
        #expect(found.differing == [Self.a])
        #expect(found.warning("machines")?.contains("kept the later page's copy") == true)
        let kept = try await ledger.dbQueue.read {
            try String.fetchOne($0, sql: "SELECT computer_dns_name FROM temp.staged_machines")
        }
        #expect(kept == "ws-renamed")
    }

    /// A change only in a field the ledger does not track (riskScore) is history, and `status --as-of` shows the
    /// document as it was.
    @Test func everyRawChangeIsKeptAndShownAsOf() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let low = try LedgerFixtures.machine(Self.a, name: "ws-a")
        let high = try Machine(
            json: JSONValue.parse(low.raw.canonicalText().replacingOccurrences(of: "Low", with: "High")))
        try await LedgerFixtures.commit(ledger, machines: [low], observedAt: "2026-11-01T09:00:00Z")
        let run = try await LedgerFixtures.commit(ledger, machines: [high], observedAt: "2026-11-02T09:00:00Z")
        #expect(run.observationsWritten == 1)
        let then = try ledger.deviceStatus("ws-a", tenant: nil, asOf: "2026-11-01T12:00:00Z")
        #expect(then.document?.contains(#""riskScore":"Low""#) == true)
        let now = try ledger.deviceStatus("ws-a", tenant: nil, asOf: nil)
        #expect(now.document?.contains(#""riskScore":"High""#) == true)
        #expect(now.head.hasPrefix("\(try ledger.verify().headSeq):"))
    }

    /// Events written before ledger format 2 keep verifying with their own rule (format 1 escapes U+0008 as
    /// `\u0008`, RFC 8785 as `\b`), after the upgrade.
    @Test func anOlderChainKeepsVerifyingAfterTheUpgrade() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("ledger.sqlite")
        let queue = try DatabaseQueue(path: path)
        _ = try Migrator(migrations: Array(Migration.bundled.prefix(3))).migrate(queue, clock: .system)
        let fields = EventChain.Fields(
            seq: 1, tenant: nil, run: nil, occurredAt: "2026-01-01T00:00:00Z", recordedAt: "2026-01-01T00:00:00Z",
            kind: "note", subject: "bell\u{8}", payload: "{}")
        let oldHash = EventChain.hash(prev: EventChain.genesis, fields, format: 1)
        #expect(oldHash != EventChain.hash(prev: EventChain.genesis, fields, format: 2))
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO events (seq, occurred_at, recorded_at, kind, subject, payload, prev_hash, hash)
                    VALUES (1, ?, ?, 'note', ?, '{}', ?, ?)
                    """, arguments: [fields.occurredAt, fields.recordedAt, fields.subject, EventChain.genesis, oldHash])
        }
        try queue.close()
        let upgraded = try Ledger.open(path: path, create: true)
        let report = try upgraded.verify()
        #expect(report.ok, "\(report.problems)")
        // Migration 0006 appended its history_reshaped event after the old event, which kept its hash, and 0007
        // and 0009 their ledger_format events.
        #expect(report.headSeq == 4)
        #expect(try upgraded.verify(head: (1, oldHash)).ok)
    }
}
