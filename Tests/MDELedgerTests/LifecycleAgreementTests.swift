import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// The SQL view `device_states` and the Swift `LifecycleRules` must give every device the same verdict.
///
/// Random histories (seeded, so a failure repeats) are written into a real ledger through the same commit path a
/// sync uses; the Swift side gets the facts from the generator, never from the database.
@Suite struct LifecycleAgreementTests {
    struct Generated {
        var id: String
        var lastSeen1: Date
        var lastSeen2: Date
        var onboarding: String?
        var inSecondSnapshot: Bool
        var offboards: [(id: String, created: Date, status1: String, status2: String)]
        var retiredAt: Date?
    }

    static let o1 = Date(timeIntervalSince1970: 1_780_000_000)
    static let o2 = o1.addingTimeInterval(3 * 86_400)
    static let statuses = ["Pending", "InProgress", "Succeeded", "Failed", "TimeOut", "Cancelled"]

    static func generate(count: Int, seed: UInt64) -> [Generated] {
        var rng = SeededGenerator(seed: seed)
        // Offsets cluster around the thresholds so edges are hit often, not by luck.
        let edges: [Double] = [
            0, 3_600, 86_400, 86_400 + 1, 2 * 86_400, 7 * 86_400, 7 * 86_400 + 1, 180 * 86_400, 200 * 86_400,
        ]
        func near() -> Double { edges.randomElement(using: &rng)! + Double(Int.random(in: -2...2, using: &rng)) }
        return (0..<count).map { index in
            let lastSeen1 = o1.addingTimeInterval(-max(0, near()))
            let lastSeen2 = Bool.random(using: &rng) ? lastSeen1 : o2.addingTimeInterval(-max(0, near()))
            let offboards = (0..<Int.random(in: 0...2, using: &rng)).map { n in
                (
                    id: "act-\(index)-\(n)", created: o1.addingTimeInterval(-max(60, near())),
                    status1: statuses.randomElement(using: &rng)!, status2: statuses.randomElement(using: &rng)!
                )
            }
            return Generated(
                id: String(format: "%040x", index + 1), lastSeen1: lastSeen1, lastSeen2: max(lastSeen1, lastSeen2),
                onboarding: ["Onboarded", "Onboarded", "onboarded", "CanBeOnboarded", "Unsupported", nil]
                    .randomElement(using: &rng)!,
                inSecondSnapshot: Int.random(in: 0..<8, using: &rng) != 0, offboards: offboards,
                retiredAt: Bool.random(using: &rng) ? o2.addingTimeInterval(near() - 100 * 86_400) : nil)
        }
    }

    static func machine(_ g: Generated, lastSeen: Date) throws -> Machine {
        try Machine(
            json: JSONValue.parse(
                """
                {"id":"\(g.id)","computerDnsName":"d-\(g.id.suffix(6))","lastSeen":"\(UTCTime.format(lastSeen))",
                 "onboardingStatus":\(g.onboarding.map { "\"\($0)\"" } ?? "null"),"healthStatus":"Active"}
                """))
    }

    static func action(_ id: String, machine: String, created: Date, status: String) throws -> MachineAction {
        try LedgerFixtures.action(id, machine: machine, status: status, created: UTCTime.format(created))
    }

    /// Facts as of `t` straight from the generator.
    static func facts(_ g: Generated, at t: Date) -> DeviceFacts {
        let second = t >= o2
        let latest = g.offboards.filter { $0.created <= t }.max { ($0.created, $0.id) < ($1.created, $1.id) }
        return DeviceFacts(
            removedFromSnapshot: second && !g.inSecondSnapshot,
            lastSeen: second && g.inSecondSnapshot ? g.lastSeen2 : g.lastSeen1,
            onboardingStatus: g.onboarding, offboardRequestedAt: latest?.created,
            offboardStatus: latest.map { second ? $0.status2 : $0.status1 },
            retiredAt: g.retiredAt.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) })
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func viewAndRulesAgree(seed: UInt64) async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let devices = Self.generate(count: 300, seed: seed)
        try await LedgerFixtures.commit(
            ledger, machines: devices.map { try Self.machine($0, lastSeen: $0.lastSeen1) },
            actions: devices.flatMap { g in
                try g.offboards.map { try Self.action($0.id, machine: g.id, created: $0.created, status: $0.status1) }
            },
            observedAt: UTCTime.format(Self.o1))
        try await LedgerFixtures.commit(
            ledger, machines: devices.filter(\.inSecondSnapshot).map { try Self.machine($0, lastSeen: $0.lastSeen2) },
            actions: devices.flatMap { g in
                try g.offboards.map { try Self.action($0.id, machine: g.id, created: $0.created, status: $0.status2) }
            },
            observedAt: UTCTime.format(Self.o2))
        try await LedgerFixtures.insertRetirements(
            ledger, devices.compactMap { g in g.retiredAt.map { (g.id, UTCTime.format($0)) } })
        let policy = LifecyclePolicy()
        let offsets: [TimeInterval] = [1, 86_400, 3 * 86_400, 3 * 86_400 + 3_600, 10 * 86_400, 190 * 86_400]
        for offset in offsets {
            let t = Self.o1.addingTimeInterval(offset)
            let rows = try ledger.deviceStates(tenant: nil, asOf: UTCTime.format(t))
            #expect(rows.count == devices.count)
            let byId = [String: DeviceStateRow](uniqueKeysWithValues: rows.map { ($0.id, $0) })
            for g in devices {
                let expected = LifecycleRules.verdict(Self.facts(g, at: t), asOf: t, policy: policy)
                let row = try #require(byId[g.id])
                #expect(
                    DeviceVerdict(row.state, finding: row.finding) == expected,
                    "device \(g.id) at \(UTCTime.format(t)): SQL \(row.state.rawValue), Swift \(expected.state.rawValue)"
                )
            }
        }
    }
}
