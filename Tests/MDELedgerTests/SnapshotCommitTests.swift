import Foundation
import GRDB
import MDETestSupport
import Testing

@testable import MDELedger

@Suite struct SnapshotCommitTests {
    let a = String(repeating: "a", count: 40)
    let b = String(repeating: "b", count: 40)

    private func kinds(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT kind FROM events ORDER BY seq") }
    }

    @Test func unchangedResyncWritesNoHistory() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let machines = [try LedgerFixtures.machine(a), try LedgerFixtures.machine(b, name: "ws-2")]
        let actions = [try LedgerFixtures.action("act-1", machine: a)]
        let first = try await LedgerFixtures.commit(
            ledger, machines: machines, actions: actions, observedAt: "2026-11-01T09:00:00Z")
        #expect(first.discovered == 2 && first.actionsNew == 1)
        let before = try LedgerFixtures.historyCounts(ledger.path)
        let second = try await LedgerFixtures.commit(
            ledger, machines: machines, actions: actions, observedAt: "2026-11-01T10:00:00Z")
        // Only the run's own run_committed event: every run ends with one, so verify can tell a cut tail.
        #expect(second.observationsWritten == 0 && second.actionObservationsWritten == 0 && second.eventsWritten == 1)
        var after = try LedgerFixtures.historyCounts(ledger.path)
        #expect(after.removeValue(forKey: "sync_runs") == 2)
        var expected = before
        expected.removeValue(forKey: "sync_runs")
        expected["events"]! += 1
        #expect(after == expected)
    }

    @Test func lastSeenChangeIsHistoryButNotAnEvent() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await LedgerFixtures.commit(
            ledger, machines: [try LedgerFixtures.machine(a)], observedAt: "2026-11-01T09:00:00Z")
        let run = try await LedgerFixtures.commit(
            ledger, machines: [try LedgerFixtures.machine(a, lastSeen: "2026-11-02T07:59:59.9999999Z")],
            observedAt: "2026-11-02T09:00:00Z")
        #expect(run.observationsWritten == 1 && run.changed == 0)
        #expect(
            try kinds(ledger.path) == [
                "ledger_format", "ledger_format", "tenant_added", "run_committed", "run_committed",
            ])
        let lastSeen = try await DatabaseQueue(path: ledger.path).read {
            try String.fetchAll($0, sql: "SELECT last_seen FROM machine_history ORDER BY run")
        }
        #expect(lastSeen == ["2026-11-01T08:00:00Z", "2026-11-02T07:59:59Z"])
    }

    @Test func renameAndHealthChangeAreEvents() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await LedgerFixtures.commit(
            ledger, machines: [try LedgerFixtures.machine(a)], observedAt: "2026-11-01T09:00:00Z")
        try await LedgerFixtures.commit(
            ledger, machines: [try LedgerFixtures.machine(a, name: "ws-renamed", health: "Inactive")],
            observedAt: "2026-11-09T09:00:00Z")
        let payload = try await DatabaseQueue(path: ledger.path).read {
            try String.fetchOne($0, sql: "SELECT payload FROM events WHERE kind = 'device_changed'")
        }
        #expect(payload?.contains("\"computer_dns_name\":[\"ws-0001.contoso.com\",\"ws-renamed\"]") == true)
        #expect(payload?.contains("\"health_status\":[\"Active\",\"Inactive\"]") == true)
    }

    /// The reordered document is kept (its raw JSON is evidence), but it is no device change.
    @Test func tagOrderIsNotAChange() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await LedgerFixtures.commit(
            ledger, machines: [try LedgerFixtures.machine(a, tags: ["x", "y"])], observedAt: "2026-11-01T09:00:00Z")
        let run = try await LedgerFixtures.commit(
            ledger, machines: [try LedgerFixtures.machine(a, tags: ["y", "x"])], observedAt: "2026-11-02T09:00:00Z")
        #expect(run.changed == 0 && run.observationsWritten == 1)
        let changes = try await DatabaseQueue(path: ledger.path).read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM events WHERE kind = 'device_changed'")
        }
        #expect(changes == 0)
    }

    @Test func completeSnapshotMarksMissingDevicesRemovedAndPartialDoesNot() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let both = [try LedgerFixtures.machine(a), try LedgerFixtures.machine(b, name: "ws-2")]
        try await LedgerFixtures.commit(ledger, machines: both, observedAt: "2026-11-01T09:00:00Z")
        let partial = try await LedgerFixtures.commit(
            ledger, machines: [both[0]], observedAt: "2026-11-02T09:00:00Z", complete: false)
        #expect(partial.removed == 0)
        let complete = try await LedgerFixtures.commit(ledger, machines: [both[0]], observedAt: "2026-11-03T09:00:00Z")
        #expect(complete.removed == 1)
        let back = try await LedgerFixtures.commit(ledger, machines: both, observedAt: "2026-11-04T09:00:00Z")
        #expect(back.reappeared == 1)
        let rows = try await DatabaseQueue(path: ledger.path).read {
            try Row.fetchAll(
                $0, sql: "SELECT present, last_seen, run FROM machine_history WHERE machine_id = ? ORDER BY run",
                arguments: [b])
        }
        #expect(rows.map { $0[0] as Int } == [1, 0, 1])
        #expect(rows[1][1] as String? == "2026-11-01T08:00:00Z", "the absence row keeps the last known lastSeen")
        #expect(try kinds(ledger.path).contains("device_removed"))
    }

    @Test func emptyCompleteSnapshotRemovesNothing() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await LedgerFixtures.commit(
            ledger, machines: [try LedgerFixtures.machine(a)], observedAt: "2026-11-01T09:00:00Z")
        let run = try await LedgerFixtures.commit(ledger, machines: [], observedAt: "2026-11-02T09:00:00Z")
        #expect(run.removed == 0)
        #expect(run.warnings.count == 1)
    }

    @Test func actionStatusChangesAreHistoryAndEvents() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let m = try LedgerFixtures.machine(a)
        try await LedgerFixtures.commit(
            ledger, machines: [m], actions: [try LedgerFixtures.action("act-1", machine: a)],
            observedAt: "2026-11-01T09:00:00Z")
        let run = try await LedgerFixtures.commit(
            ledger, machines: [m], actions: [try LedgerFixtures.action("act-1", machine: a, status: "Succeeded")],
            observedAt: "2026-11-01T10:00:00Z")
        #expect(run.actionStatusChanges == 1 && run.actionObservationsWritten == 1)
        let payload = try await DatabaseQueue(path: ledger.path).read {
            try String.fetchOne($0, sql: "SELECT payload FROM events WHERE kind = 'action_status_changed'")
        }
        #expect(payload?.contains("\"from\":\"Pending\"") == true && payload?.contains("\"to\":\"Succeeded\"") == true)
    }
}
