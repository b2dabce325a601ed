import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// Which devices a plan takes and why the others are skipped; no HTTP.
@Suite struct OffboardSelectionTests {
    static func id(_ c: Character) -> String { String(repeating: c, count: 40) }

    static func machine(_ id: String, name: String, platform: String = "Windows11", onboarding: String = "Onboarded")
        throws -> Machine
    {
        try Machine(
            json: JSONValue.parse(
                """
                {"id":"\(id)","computerDnsName":"\(name)","lastSeen":"2026-11-01T08:00:00Z","osPlatform":"\(platform)",
                 "onboardingStatus":"\(onboarding)","healthStatus":"Active","machineTags":[]}
                """))
    }

    private func ledger(_ folder: TemporaryFolder) async throws -> Ledger {
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await LedgerFixtures.commit(
            ledger,
            machines: [
                try Self.machine(Self.id("a"), name: "ws-0042.contoso.com"),
                try Self.machine(Self.id("b"), name: "WS-0042.contoso.com"),
                try Self.machine(Self.id("c"), name: "mac-01", platform: "macOS"),
                try Self.machine(Self.id("d"), name: "lnx-01", platform: "Linux"),
                try Self.machine(Self.id("e"), name: "cam-01", onboarding: "CanBeOnboarded"),
                try Self.machine(Self.id("f"), name: "pending-01"),
                try Self.machine(Self.id("9"), name: "failed-01"),
                try Self.machine(Self.id("8"), name: "ok-01"),
            ],
            actions: [
                try LedgerFixtures.action("00000000-0000-4000-8000-00000000000f", machine: Self.id("f")),
                try LedgerFixtures.action(
                    "00000000-0000-4000-8000-000000000009", machine: Self.id("9"), status: "Failed"),
            ], observedAt: "2026-11-01T09:00:00Z")
        return ledger
    }

    private func request(_ names: [String], retryFailed: Bool = false) -> OutboxRequest {
        OutboxRequest(
            kind: .offboard, selection: .devices(names, source: "test"), comment: "c", retryFailed: retryFailed,
            requestedBy: "alice", clientId: "app", apiBaseURL: "http://127.0.0.1:1")
    }

    @Test func everySkippedDeviceCarriesItsReason() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        let names = [
            "ws-0042", "mac-01", "lnx-01", "cam-01", "pending-01", "failed-01", "ok-01", "OK-01.", "no-such-pc",
        ]
        let preview = try ledger.previewOutbox(request(names))
        #expect(preview.selected.map(\.id) == [Self.id("8")])
        #expect(preview.selected.first?.reason == "named as ok-01 (by name)")
        let reasons = Dictionary(preview.skipped.map { ($0.device, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(
            reasons["ws-0042"] == "ambiguous name: matches 2 devices (\(Self.id("a")), \(Self.id("b"))); give an id")
        #expect(
            reasons["mac-01"]?.hasPrefix(
                "macOS: the offboard API does not support this platform; offboard it with the macOS offboarding package"
            ) == true)
        #expect(reasons["mac-01"]?.contains("Settings → Endpoints → Offboarding") == true)
        #expect(
            reasons["lnx-01"]?.hasPrefix(
                "Linux: the offboard API does not support this platform; offboard it with the Linux offboarding script")
                == true)
        #expect(reasons["cam-01"] == "not onboarded (CanBeOnboarded): nothing to offboard")
        #expect(
            reasons["pending-01"] == "already has an Offboard action Pending (00000000-0000-4000-8000-00000000000f)")
        #expect(
            reasons["failed-01"]?.contains("ended Failed; retry with --state offboard-failed --retry-failed") == true)
        #expect(reasons["no-such-pc"] == "no device matches; give an MDE device id or exact name")
        #expect(preview.skipped.count == 8, "OK-01. names no device: \(reasons.keys.sorted())")
    }

    @Test func retryFailedSelectsTheFailedDevice() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        let preview = try ledger.previewOutbox(request(["failed-01", "pending-01"], retryFailed: true))
        #expect(preview.selected.map(\.id) == [Self.id("9")])
        let byState = try ledger.previewOutbox(
            OutboxRequest(
                kind: .offboard, selection: .state(.offboardFailed), comment: "c", retryFailed: true,
                requestedBy: "alice", clientId: "app", apiBaseURL: "x"))
        #expect(byState.selected.map(\.id) == [Self.id("9")])
    }

    @Test func historyTablesRefuseUpdatesAndDeletes() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        let request = request(["ok-01"])
        _ = try ledger.createPlan(request, try ledger.previewOutbox(request))
        for sql in [
            "UPDATE outbox_plans SET comment = 'x'", "DELETE FROM outbox_plans",
            "UPDATE outbox_steps SET step = 'accepted'",
            "DELETE FROM outbox_steps",
        ] {
            #expect(throws: DatabaseError.self, "\(sql)") { try ledger.dbQueue.write { try $0.execute(sql: sql) } }
        }
        #expect(try ledger.outboxSteps(1).map(\.step) == [.planned])
        #expect(try ledger.verify().ok)
    }

    @Test(arguments: [
        ("a\n# comment\n\nb\na\n", ["a", "b"]),
        ("device,note\nx,1\n\"y, z\",2\n", ["x", "y, z"]),
        ("\u{FEFF}Device\nq\n", ["q"]),
    ])
    func deviceFilesAreLinesOrACSVWithADeviceColumn(text: String, expected: [String]) throws {
        #expect(try DeviceListFile.parse(text, file: "f") == expected)
    }

    @Test(arguments: ["", "id,note\nx,1\n", "device\n\n", "device,note\n,1\n"])
    func badDeviceFilesAreRefused(text: String) {
        #expect(throws: DeviceListError.self) { try DeviceListFile.parse(text, file: "f") }
    }
}
