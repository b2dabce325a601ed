import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// The default question (each tenant's latest run, knowing everything) reads the answer kept at the ledger's head
/// (migration 0016, issue 22): the kept rows are the views' rows, they are read only while they are current, and
/// `verify` finds an edited one.
@Suite struct KeptAnswersTests {
    /// The agreement test's devices over its two runs, a few retired.
    private func ledger(in folder: TemporaryFolder) async throws -> (Ledger, [LifecycleAgreementTests.Generated]) {
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let devices = LifecycleAgreementTests.generate(count: 150, seed: 11)
        let runs = [LifecycleAgreementTests.o1, LifecycleAgreementTests.o2]
        for (run, lastSeen) in zip(runs, [\LifecycleAgreementTests.Generated.lastSeen1, \.lastSeen2]) {
            let machines = devices.filter { run == runs[0] || $0.inSecondSnapshot }
            try await LedgerFixtures.commit(
                ledger,
                machines: machines.map { try LifecycleAgreementTests.machine($0, lastSeen: $0[keyPath: lastSeen]) },
                observedAt: UTCTime.format(run))
        }
        // Imported as a person would (LedgerFixtures.insertRetirements bypasses the chain, which `verify` reports).
        let retired = devices.prefix(8).compactMap { g in
            g.retiredAt.map { "\(g.id),\(UTCTime.format($0).prefix(10))\n" }
        }
        let list = folder.path("retired-first.csv")
        try ("device,retired_on\n" + retired.joined()).write(toFile: list, atomically: true, encoding: .utf8)
        _ = try ledger.importRetirements(path: list, tenant: TenantSelection(name: nil))
        return (ledger, devices)
    }

    /// Every row of a view as the connection answers the default question, in a fixed order.
    private func rows(_ ledger: Ledger, _ view: String) throws -> [Row] {
        try ledger.withAsOf(nil) { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(view) ORDER BY tenant, machine_id")
        }
    }

    /// Whether the connection's default question reads the kept answers.
    private func readsKept(_ ledger: Ledger) throws -> Bool {
        try ledger.withAsOf(nil) { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_temp_master WHERE name = 'device_states'")?
                .contains("kept_device_states") == true
        }
    }

    private func edit(_ ledger: Ledger, _ sql: String, _ arguments: StatementArguments = []) throws {
        try ledger.dbQueue.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    @Test func keptRowsAreTheViewsRows() async throws {
        let folder = try TemporaryFolder()
        let (ledger, _) = try await ledger(in: folder)
        #expect(try !readsKept(ledger))
        let states = try rows(ledger, "device_states")
        let physical = try rows(ledger, "physical_devices")
        let list = try ledger.deviceStates(tenant: nil, asOf: nil)
        #expect(states.count >= 140)
        #expect(Set(list.map(\.state)).count >= 4, "the story covers several states")

        #expect(try ledger.keepAnswers())
        #expect(try !ledger.keepAnswers(), "a current answer is not worked out again")
        #expect(try readsKept(ledger))
        #expect(try rows(ledger, "device_states") == states)
        #expect(try rows(ledger, "physical_devices") == physical)
        #expect(try ledger.deviceStates(tenant: nil, asOf: nil) == list)
        for row in list.prefix(20) {
            #expect(try ledger.deviceStatus(row.id, tenant: nil, asOf: nil).device == row)
        }
        let report = try ledger.verify(quick: true)
        #expect(report.ok, "\(report.problems)")
    }

    @Test func onlyACurrentAnswerIsRead() async throws {
        let folder = try TemporaryFolder()
        let (ledger, devices) = try await ledger(in: folder)
        try ledger.keepAnswers()
        let computed = try ledger.deviceStates(tenant: nil, asOf: nil)
        let device = try #require(computed.first { $0.state == .active })
        let later = UTCTime.format(LifecycleAgreementTests.o2.addingTimeInterval(60))
        let atLater = try ledger.deviceStates(tenant: nil, asOf: later)
        try edit(ledger, "UPDATE kept_answers SET state = 'inactive' WHERE machine_id = ?", [device.id])
        // Read: the edited row is what the default question answers (and `verify` catches it, below).
        #expect(try ledger.deviceStates(tenant: nil, asOf: nil).first { $0.id == device.id }?.state == .inactive)
        // The latest run's time named explicitly (as the reports name it) is the same question; any other time is
        // worked out from history.
        let latest = UTCTime.format(LifecycleAgreementTests.o2)
        #expect(try ledger.deviceStates(tenant: nil, asOf: latest).first { $0.id == device.id }?.state == .inactive)
        #expect(try ledger.deviceStates(tenant: nil, asOf: later) == atLater)
        let head = try await ledger.dbQueue.read { db in try Int64.fetchOne(db, sql: "SELECT max(seq) FROM events") ?? 0
        }
        let earlier = KnownAt(seq: head - 1, hash: "")
        #expect(
            try ledger.deviceStates(tenant: nil, asOf: nil, knownAt: earlier).first { $0.id == device.id }?.state
                == .active)

        // A kept answer of another schema is not read.
        try edit(ledger, "UPDATE kept_answers_head SET schema = schema - 1")
        #expect(try ledger.deviceStates(tenant: nil, asOf: nil) == computed)
        let old = try ledger.verify(quick: true)
        #expect(old.ok && old.notes.contains { $0.contains("kept answers") && $0.contains("not read") })
        try edit(ledger, "UPDATE kept_answers_head SET schema = schema + 1")

        // Something recorded after the kept head: the answer is worked out until the next refresh.
        let retired = try #require(devices.dropFirst(20).first { g in computed.contains { $0.id == g.id } })
        let list = folder.path("retired.csv")
        try "device,retired_on\n\(retired.id),2026-01-02\n".write(toFile: list, atomically: true, encoding: .utf8)
        _ = try ledger.importRetirements(path: list, tenant: TenantSelection(name: nil))
        let after = try ledger.deviceStates(tenant: nil, asOf: nil)
        #expect(try !readsKept(ledger))
        #expect(after.first { $0.id == device.id }?.state == .active)
        #expect(after.first { $0.id == retired.id }?.retiredAt != nil)
        #expect(try ledger.keepAnswers())
        #expect(try ledger.deviceStates(tenant: nil, asOf: nil) == after)
    }

    @Test func verifyFindsAnEditedKeptAnswer() async throws {
        let folder = try TemporaryFolder()
        let (ledger, _) = try await ledger(in: folder)
        try ledger.keepAnswers()
        let device = try #require(try ledger.deviceStates(tenant: nil, asOf: nil).last)
        try edit(ledger, "UPDATE kept_answers SET computer_dns_name = 'elsewhere' WHERE machine_id = ?", [device.id])
        let edited = try ledger.verify(quick: true)
        let problem = try #require(edited.problems.first { $0.contains("kept_answers") })
        #expect(problem.contains(device.id) && problem.contains("1 kept row(s)"))

        // A kept row removed, or one added, is found too.
        try edit(ledger, "DELETE FROM kept_answers WHERE machine_id = ?", [device.id])
        #expect(try ledger.verify(quick: true).problems.contains { $0.contains("1 row(s) of the views not kept") })

        // The way out the message gives: without a head the rows are not read, and the next refresh rewrites them.
        try edit(ledger, "DELETE FROM kept_answers_head")
        let cleared = try ledger.verify(quick: true)
        #expect(cleared.ok, "\(cleared.problems)")
        #expect(try ledger.keepAnswers())
        #expect(try ledger.verify(quick: true).ok)
    }
    /// A commit judges its devices' new states from its own rows, never from the answer kept before it: a second
    /// tenant's first run, at the time the kept rows are for, records the same transitions with and without them.
    @Test func aCommitJudgesItsOwnRowsNotTheKeptAnswer() async throws {
        var transitions: [Int] = []
        for keep in [false, true] {
            let folder = try TemporaryFolder()
            let (ledger, _) = try await ledger(in: folder)
            _ = try ledger.addTenant(NewTenant(name: "second"))
            if keep { #expect(try ledger.keepAnswers()) }
            let devices = LifecycleAgreementTests.generate(count: 40, seed: 23)
            let summary = try await LedgerFixtures.commit(
                ledger, machines: devices.map { try LifecycleAgreementTests.machine($0, lastSeen: $0.lastSeen2) },
                observedAt: UTCTime.format(LifecycleAgreementTests.o2), tenant: "second")
            transitions.append(summary.lifecycleTransitions)
        }
        #expect(transitions[0] > 0 && transitions[1] == transitions[0], "\(transitions)")
    }
}
