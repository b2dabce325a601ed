import Foundation
import GRDB
import MDETestSupport
import Testing

@testable import MDELedger

@Suite struct VerifyTests {
    private func populatedLedger(_ folder: TemporaryFolder) async throws -> Ledger {
        let ledger = try Ledger.open(path: folder.path("ledger.sqlite"), create: true)
        let machines = try (1...5).map {
            try LedgerFixtures.machine(String(repeating: "\($0)", count: 40), name: "ws-\($0)")
        }
        try await LedgerFixtures.commit(ledger, machines: machines, observedAt: "2026-11-01T09:00:00Z")
        // Devices 1-3 change health (a full row and a device_changed event each); 4 and 5 only report (sightings).
        let later = try (1...5).map {
            try LedgerFixtures.machine(
                String(repeating: "\($0)", count: 40), name: "ws-\($0)", lastSeen: "2026-11-02T08:00:00Z",
                health: $0 <= 3 ? "Inactive" : "Active")
        }
        try await LedgerFixtures.commit(ledger, machines: later, observedAt: "2026-11-02T09:00:00Z")
        return ledger
    }

    @Test func goodLedgerVerifies() async throws {
        let folder = try TemporaryFolder()
        let report = try await populatedLedger(folder).verify()
        #expect(report.ok, "\(report.problems)")
        // 2 ledger_format (migrations 0007, 0009) + tenant_added + 3 device_changed + 2 run_committed; new devices
        // need none
        #expect(report.eventsChecked == 8)
        #expect(report.runsChecked == 2)
        #expect(report.headHash != EventChain.genesis)
    }

    @Test func triggersRefuseEditingHistory() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await populatedLedger(folder)
        let queue = try DatabaseQueue(path: ledger.path)
        for sql in [
            "UPDATE events SET payload = '{}' WHERE seq = 2", "DELETE FROM events WHERE seq = 5",
            "UPDATE machine_observations SET last_seen = '2030-01-01T00:00:00Z'",
            "DELETE FROM machine_observations WHERE seq = 1",
        ] {
            await #expect(throws: DatabaseError.self, "\(sql)") { try await queue.write { try $0.execute(sql: sql) } }
        }
    }

    @Test func editedEventIsNamed() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await populatedLedger(folder)
        let queue = try DatabaseQueue(path: ledger.path)
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER events_no_update")
            try db.execute(sql: "UPDATE events SET subject = 'forged' WHERE seq = 3")
        }
        let report = try ledger.verify()
        #expect(!report.ok)
        #expect(report.problems.contains { $0.contains("trigger events_no_update is missing") })
        #expect(report.problems.contains { $0.contains("first broken link: event 3") })
    }

    @Test func deletedEventIsNamed() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await populatedLedger(folder)
        let queue = try DatabaseQueue(path: ledger.path)
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 4")
        }
        let problems = try ledger.verify().problems
        #expect(problems.contains { $0.contains("events 4…4 are missing before event 5") })
    }

    @Test func editedObservationBreaksItsRunDigest() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await populatedLedger(folder)
        let queue = try DatabaseQueue(path: ledger.path)
        try await queue.write { db in
            // Run 2 moved only lastSeen, so its history is one narrow sighting per device.
            try db.execute(sql: "DROP TRIGGER device_sightings_no_update")
            try db.execute(sql: "UPDATE device_sightings SET last_seen = last_seen - 3600 WHERE run = 2 AND device = 5")
        }
        let problems = try ledger.verify().problems
        #expect(problems.contains { $0.contains("history of run 2 was altered") })
    }
}
