import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// Paths and helpers shared by the import tests.
enum ImportFiles {
    /// Microsoft's samples exactly as published (`Tests/Fixtures/published/`).
    static func published(_ name: String) -> String { TestFiles.published(name) }

    /// Corrected samples and the portal CSV (`Tests/Fixtures/`, see its README).
    static func fixture(_ name: String) -> String {
        name.hasSuffix(".csv") ? TestFiles.portal(name) : TestFiles.corrected(name)
    }

    /// Loads and commits files as `mde-ledger import` does.
    @discardableResult
    static func run(
        _ ledger: Ledger, _ kind: ImportKind, _ paths: [String], observedAt: String? = "2026-05-14T00:00:00Z",
        complete: Bool = false, tenant: String? = nil
    ) async throws -> ImportOutcome {
        let importer = SnapshotImporter(
            kind: kind, paths: paths, observedAt: observedAt, complete: complete, tenant: TenantSelection(name: tenant))
        return try await importer.commit(try importer.load(), to: ledger)
    }

    /// The import's error text, or nil when it succeeded.
    static func failure(
        _ ledger: Ledger, _ kind: ImportKind, _ paths: [String], observedAt: String? = "2026-05-14T00:00:00Z",
        complete: Bool = false, tenant: String? = nil
    ) async -> String? {
        do {
            try await run(ledger, kind, paths, observedAt: observedAt, complete: complete, tenant: tenant)
            return nil
        } catch {
            return "\(error)"
        }
    }
}

/// Every published sample that parses and is a machine or action payload imports; the others are refused.
@Suite struct ImportFixtureTests {
    struct ActionSample: Sendable, CustomTestStringConvertible {
        var file: String
        var count: Int
        var id: String
        var type: String
        var status: String
        var lastUpdate: String
        var testDescription: String { file }
    }

    static let actionSamples = [
        ActionSample(
            file: "machineactions-list.json", count: 3, id: "69dc3630-1ccc-4342-acf3-35286eec741d",
            type: "CollectInvestigationPackage", status: "Succeeded", lastUpdate: "2018-12-04T12:45:25Z"),
        ActionSample(
            file: "machineactions-list-filtered.json", count: 2, id: "2e9da30d-27f6-4208-81f2-9cd3d67893ba",
            type: "RunAntiVirusScan", status: "Succeeded", lastUpdate: "2018-12-04T12:18:57Z"),
        ActionSample(
            file: "machineaction-get.json", count: 1, id: "5382f7ea-7557-4ab7-9782-d50480024a4e", type: "Isolate",
            status: "Succeeded", lastUpdate: "2019-01-02T14:40:44Z"),
        ActionSample(
            file: "machineaction-entity.json", count: 1, id: "5382f7ea-7557-4ab7-9782-d50480024a4e", type: "Isolate",
            status: "Succeeded", lastUpdate: "2019-01-02T14:40:44Z"),
        ActionSample(
            file: "liveresponse-response.json", count: 1, id: "{machine_action_id}", type: "LiveResponse",
            status: "Pending", lastUpdate: "2021-02-04T15:36:52Z"),
    ]

    @Test(arguments: actionSamples) func publishedActionSampleImports(_ sample: ActionSample) async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let outcome = try await ImportFiles.run(ledger, .actions, [ImportFiles.published(sample.file)])
        #expect(outcome.summary.kind == "import" && outcome.summary.actionsSeen == sample.count)
        #expect(outcome.summary.actionsNew == sample.count)
        let row = try DatabaseQueue(path: ledger.path).read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT a.type, a.status, a.last_update_at, o.raw_json FROM machine_actions a
                    JOIN machine_action_observations o ON o.seq = a.observation WHERE a.id = ?
                    """,
                arguments: [sample.id])
        }
        let found = try #require(row)
        #expect(found[0] as String == sample.type)
        #expect(found[1] as String == sample.status)
        #expect(found[2] as String == sample.lastUpdate)
        #expect(!(found[3] as String).contains("@odata"), "annotations of a single GET are not part of the object")
        #expect(try ledger.verify().ok)
    }

    @Test func liveResponseKeepsUndocumentedFieldsInRaw() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await ImportFiles.run(ledger, .actions, [ImportFiles.published("liveresponse-response.json")])
        let raw = try await DatabaseQueue(path: ledger.path).read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT o.raw_json FROM machine_actions a JOIN machine_action_observations o ON o.seq = a.observation
                    """)
        }
        #expect(raw?.contains("\"errorHResult\":0") == true)
        #expect(raw?.contains("\"ScriptName\"") == true)
    }

    /// Corrected copies of the machine samples (Fixtures/README.md): every documented field lands.
    @Test func correctedMachineSamplesImportWithTheirFields() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await ImportFiles.run(ledger, .machines, [ImportFiles.fixture("machines-list.json")])
        let row = try DatabaseQueue(path: ledger.path).read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT computer_dns_name, os_platform, os_version, health_status, rbac_group_id, rbac_group_name,
                           last_seen, aad_device_id, machine_tags, raw_json FROM machines JOIN machine_documents USING (tenant, id)
                           WHERE id = ?
                    """, arguments: ["1e5bc9d7e413ddd7902c2932e418702b84d0cc07"])
        }
        let found = try #require(row)
        #expect(found[0] as String == "mymachine1.contoso.com")
        #expect(found[1] as String == "Windows10")
        #expect(found[2] as String == "1709", "the documented 'version' field")
        #expect(found[3] as String == "Active")
        #expect(found[4] as String == "140", "a number in the JSON")
        #expect(found[5] as String == "The-A-Team")
        #expect(found[6] as String == "2018-08-02T14:55:03Z")
        #expect(found[7] as String == "80fe8ff8-2624-418e-9591-41f0491218f9")
        #expect(found[8] as String == #"["test tag 1","test tag 2"]"#)
        #expect((found[9] as String).contains("\"osBuild\":18209"))
        // A later capture of the same device (the riskscore sample, 2021) is an update, not a new device.
        let later = try await ImportFiles.run(
            ledger, .machines, [ImportFiles.fixture("odata-machines-riskscore-high.json")],
            observedAt: "2026-05-15T00:00:00Z")
        #expect(later.summary.discovered == 0 && later.summary.observationsWritten == 1)
        // Actions of the same capture share its time: they are another stream of history (RunTimeOrder).
        let actions = try await ImportFiles.run(
            ledger, .actions, [ImportFiles.fixture("odata-machineactions-requestor-and-type.json")],
            observedAt: "2026-05-15T00:00:00Z")
        #expect(actions.summary.actionsNew == 1)
    }

    /// Broken samples, as published: refused with the file and line:column, and the ledger is unchanged.
    @Test(arguments: [
        ("machines-list.json", ImportKind.machines, ":9:39:"),
        ("machine-get.json", .machines, ":7:31:"),
        ("odata-machines-riskscore-high.json", .machines, ":9:39:"),
        ("odata-machines-healthstatus-ne-active.json", .machines, ":"),
        ("odata-machines-lastseen-gt.json", .machines, ":"),
        ("odata-machines-startswith.json", .machines, ":1:1:"),
        ("legacy-machines-filter-by-tag.json", .machines, ":"),
        ("odata-machineactions-requestor-and-type.json", .actions, ":1:1:"),
        ("machine-update-request.json", .machines, ":"),
    ])
    func brokenPublishedSampleIsRefusedAndChangesNothing(_ file: String, _ kind: ImportKind, _ position: String)
        async throws
    {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await ImportFiles.run(ledger, .machines, [ImportFiles.fixture("portal-devices.csv")])
        let before = try ledgerDump(ledger.path)
        // A good file first: the bad one must spoil the whole import, not just itself.
        let good =
            kind == .machines
            ? ImportFiles.fixture("machines-list.json") : ImportFiles.published("machineaction-get.json")
        let error = try #require(await ImportFiles.failure(ledger, kind, [good, ImportFiles.published(file)]))
        #expect(error.contains("\(file)\(position)"), "\(error)")
        #expect(error.contains("invalid JSON"), "\(error)")
        #expect(error.range(of: #"\#(file):\d+:\d+: "#, options: .regularExpression) != nil, "\(error)")
        #expect(try ledgerDump(ledger.path) == before)
    }

    /// Valid JSON that is not a machine or action payload: request bodies, errors, a token response.
    @Test(arguments: [
        "offboard-request.json", "tag-request.json", "tags-multiple-request.json", "isolate-request.json",
        "cancel-machineaction-request.json", "liveresponse-request.json", "token-response.json",
        "error-resourcenotfound.json", "error-invalidrequestbody.json",
    ])
    func nonPayloadSampleIsRefused(_ file: String) async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let before = try ledgerDump(ledger.path)
        for kind in ImportKind.allCases {
            let error = try #require(await ImportFiles.failure(ledger, kind, [ImportFiles.published(file)]))
            #expect(error.hasPrefix(ImportFiles.published(file) + ":"), "\(error)")
            #expect(error.contains("missing 'id'") || error.contains("API error response"), "\(error)")
        }
        #expect(try ledgerDump(ledger.path) == before)
    }

    @Test func actionsFileGivenToMachinesNamesTheRightCommand() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let list = try #require(
            await ImportFiles.failure(ledger, .machines, [ImportFiles.published("machineactions-list.json")]))
        #expect(list.contains("import it with 'mde-ledger import actions'"))
        let single = try #require(
            await ImportFiles.failure(ledger, .machines, [ImportFiles.published("machineaction-entity.json")]))
        #expect(single.contains("looks like a machine action"), "\(single)")
        let machines = try #require(
            await ImportFiles.failure(ledger, .actions, [ImportFiles.fixture("machines-list.json")]))
        #expect(machines.contains("'mde-ledger import machines'"), "\(machines)")
    }
}
