import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// The portal's device inventory CSV export.
@Suite struct ImportCSVTests {
    private func write(_ text: String, _ name: String = "export.csv", in folder: TemporaryFolder) throws -> String {
        let path = folder.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func machines(_ path: String) throws -> [String: Row] {
        try DatabaseQueue(path: path).read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(
                    db, sql: "SELECT * FROM machines JOIN machine_documents USING (tenant, id)"
                ).map {
                    ($0["id"] as String, $0)
                })
        }
    }

    @Test func portalExportImportsWithAPIValuesAndTheOriginalRow() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let outcome = try await ImportFiles.run(ledger, .machines, [ImportFiles.fixture("portal-devices.csv")])
        #expect(outcome.summary.machinesSeen == 5 && outcome.summary.discovered == 5)
        #expect(outcome.files.first?.format == "csv")
        let rows = try machines(ledger.path)
        let ws = try #require(rows["1e5bc9d7e413ddd7902c2932e418702b84d0cc07"])
        #expect(ws["computer_dns_name"] as String == "ws-0001.contoso.com")
        #expect(ws["onboarding_status"] as String == "Onboarded")
        #expect(ws["health_status"] as String == "Active")
        #expect(ws["last_seen"] as String == "2026-05-01T07:59:12Z")
        #expect(ws["first_seen"] as String == "2026-01-05T08:00:00Z")
        #expect(ws["aad_device_id"] as String == "80fe8ff8-2624-418e-9591-41f0491218f9")
        #expect(ws["rbac_group_name"] as String == "Finance PCs")
        #expect(ws["os_version"] as String == "10.0.22631")
        #expect(ws["machine_tags"] as String == #"["Finance","VIP"]"#)
        let raw = try JSONValue.parse(ws["raw_json"] as String)
        #expect(raw["csvRow"]?["Criticality Level"] == .string("High"), "extra columns are kept in the raw row")
        #expect(raw["csvRow"]?["device id"] == .string("1e5bc9d7e413ddd7902c2932e418702b84d0cc07"), "BOM stripped")
        #expect(
            raw["riskScore"] == .string("Low") && raw["isAadJoined"] == .bool(true) && raw["version"] == .string("23H2")
        )

        let bob = try #require(rows["2c8d1f4a5b6e7f8091a2b3c4d5e6f708192a3b4c"])
        #expect(bob["computer_dns_name"] as String == #"Bob's "lab", desk 2"#)
        #expect(bob["health_status"] as String == "ImpairedCommunication")
        #expect(bob["last_seen"] as String == "2026-05-01T10:22:31Z")
        #expect(try JSONValue.parse(bob["raw_json"] as String)["riskScore"] == .string("None"))

        let formula = try #require(rows["3d9e2a5b6c7d8e9fa0b1c2d3e4f5a6b7c8d9e0f1"])
        #expect(formula["computer_dns_name"] as String == "=cmd|' /C calc'!A0", "stored verbatim; outputs escape it")
        #expect(formula["onboarding_status"] as String == "CanBeOnboarded")
        #expect(formula["health_status"] as String == "Inactive")
        #expect(formula["first_seen"] as String == "2026-03-01T08:00:00Z")
        #expect(formula["last_seen"] as String == "2026-05-13T15:04:05Z")
        #expect(formula["machine_tags"] as String == #"["DMZ","Linux servers"]"#)
        let formulaRaw = try JSONValue.parse(formula["raw_json"] as String)
        #expect(formulaRaw["exposureLevel"] == nil && formulaRaw["riskScore"] == nil, "'No data available' is no value")

        let printer = try #require(rows["4f0a3b6c7d8e9fa0b1c2d3e4f5a6b7c8d9e0f1a2"], "upper-case hex id lower-cased")
        #expect(printer["onboarding_status"] as String == "InsufficientInfo")
        #expect(printer["health_status"] as String == "NoSensorData")
        #expect(printer["first_seen"] as String == "2026-04-02T00:00:00Z")
        #expect(printer["last_seen"] as String == "2026-05-02T10:00:00Z")

        let kiosk = try #require(rows["5a1b2c3d4e5f60718293a4b5c6d7e8f901a2b3c4"])
        #expect(kiosk["health_status"] as String == "Misconfigured", "unknown UI values are kept as they are")
        #expect(kiosk["last_seen"] as String? == nil)
        #expect(try ledger.verify().ok)
    }

    @Test func semicolonsMissingColumnsAndLooseHeaders() async throws {
        let folder = try TemporaryFolder()
        let path = try write(
            "sep=;\r\nMachine_ID ; Computer Name;LAST SEEN\r\nABCDEF0123456789ABCDEF0123456789ABCDEF01;pc-1;09.05.2026 10:00\r\n",
            in: folder)
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await ImportFiles.run(ledger, .machines, [path])
        let row = try #require(try machines(ledger.path)["abcdef0123456789abcdef0123456789abcdef01"])
        #expect(row["computer_dns_name"] as String == "pc-1")
        #expect(row["last_seen"] as String == "2026-05-09T10:00:00Z", "dotted dates are day first")
        #expect(row["onboarding_status"] as String? == nil)
    }

    @Test func missingIdColumnNamesTheAcceptedHeaders() async throws {
        let folder = try TemporaryFolder()
        let path = try write("Device Name,Last device update\npc-1,2026-05-01\n", in: folder)
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let error = try #require(await ImportFiles.failure(ledger, .machines, [path]))
        #expect(error.hasPrefix("\(path):1: no device id column"), "\(error)")
        #expect(error.contains("'Device ID'") && error.contains("'Machine ID'"), "\(error)")
    }

    @Test(arguments: [
        (
            "Device ID,Name,Last device update\naaaa,pc-a,2026-05-01\nbbbb,pc-b,yesterday\n",
            ":3: 'Last device update' is not a date"
        ),
        ("Device ID,Name,Last seen\naaaa,pc-1,2026-05-01\n,pc-2,2026-05-01\n", ":3: the 'Device ID' cell is empty"),
        ("Device ID,Name,Last seen\naaaa,pc,1,2026-05-01\n", ":2: the row has 4 cells but the header has 3"),
        (
            "Device ID,Name,First Seen,Last seen\n\"aaaa\",\"multi\nline\",2026-05-01,2026-05-01\nbbbb,pc,31/02/2026,"
                + "2026-05-01\n",
            ":4: 'First Seen' is not a date"
        ),
        (
            "Device ID,Name,Last device update\naaaa,pc-a,13/5/2026\nbbbb,pc-b,5/13/2026\n",
            ": dates mix day/month orders (line 2"
        ),
        // The Japanese portal's headers once shrank to their ASCII letters: "デバイス ID" became "id".
        ("デバイス ID,デバイス名,最終確認日時\naaaa,pc-1,2026/05/01\n", ":1: no device id column"),
        (
            "Device ID,デバイス名,最終確認日時\naaaa,pc-1,2026/05/01\n",
            ":1: the header has no column for computerDnsName ('devicename' or 'computerdnsname' or 'name') and "
                + "lastSeen ('lastdeviceupdate' or 'lastseen'); rows without them would wipe"
        ),
    ])
    func badRowIsRefusedWithItsLineAndNothingChanges(_ text: String, _ message: String) async throws {
        let folder = try TemporaryFolder()
        let path = try write(text, in: folder)
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await ImportFiles.run(ledger, .machines, [ImportFiles.fixture("portal-devices.csv")])
        let before = try ledgerDump(ledger.path)
        let error = try #require(
            await ImportFiles.failure(ledger, .machines, [ImportFiles.fixture("portal-devices.csv"), path]))
        #expect(error.hasPrefix(path + message), "\(error)")
        #expect(try ledgerDump(ledger.path) == before)
    }

    @Test func formatComesFromTheContentNotTheName() async throws {
        let folder = try TemporaryFolder()
        let json = try write(
            #"[{"id":"aaaa","computerDnsName":"pc-1","lastSeen":"2026-05-01T00:00:00Z"}]"#, "export.csv", in: folder)
        let csv = try write("Device ID,Device Name,Last seen\nbbbb,pc-2,2026-05-01\n", "response.txt", in: folder)
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let outcome = try await ImportFiles.run(ledger, .machines, [json, csv])
        #expect(outcome.files.map(\.format) == ["json", "csv"])
        #expect(try machines(ledger.path).keys.sorted() == ["aaaa", "bbbb"])
    }

    @Test func utf16WithByteOrderMarkIsRead() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("unicode.csv")
        var data = Data([0xFF, 0xFE])
        data.append("Device ID\tDevice Name\tLast seen\ncccc\tpc-ü\t2026-05-01\n".data(using: .utf16LittleEndian)!)
        try data.write(to: URL(fileURLWithPath: path))
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await ImportFiles.run(ledger, .machines, [path])
        #expect(try machines(ledger.path)["cccc"]?["computer_dns_name"] as String? == "pc-ü")
    }

    @Test func actionsCSVIsRefusedWithTheReason() async throws {
        let folder = try TemporaryFolder()
        let path = try write("Action ID,Type\nx,Offboard\n", in: folder)
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let error = try #require(await ImportFiles.failure(ledger, .actions, [path]))
        #expect(error.contains("is not JSON; 'import actions' reads API responses"), "\(error)")
    }

    @Test(arguments: [
        ("2026-05-09T10:00:00.1234567Z", "2026-05-09T10:00:00Z"),
        ("2026-05-09T12:00:00+02:00", "2026-05-09T10:00:00Z"),
        ("2026-05-09 10:00:00", "2026-05-09T10:00:00Z"),
        ("2026-05-09 10:00:00.123", "2026-05-09T10:00:00Z"),
        ("2026-05-09T10:00", "2026-05-09T10:00:00Z"),
        ("2026-05-09", "2026-05-09T00:00:00Z"),
        ("5/9/2026 10:00:00 AM", "2026-05-09T10:00:00Z"),
        ("5/9/2026 12:30 AM", "2026-05-09T00:30:00Z"),
        ("5/9/2026 12:30 PM", "2026-05-09T12:30:00Z"),
        ("5/9/2026 3:04 PM UTC", "2026-05-09T15:04:00Z"),
        ("5/9/2026", "2026-05-09T00:00:00Z"),
        ("9.5.2026 10:00:00", "2026-05-09T10:00:00Z"),
        ("May 9, 2026 10:00 AM", "2026-05-09T10:00:00Z"),
        ("May 9, 2026, 10:00:05 PM", "2026-05-09T22:00:05Z"),
        ("Sept 9, 2026", "2026-09-09T00:00:00Z"),
        ("9 May 2026 10:00", "2026-05-09T10:00:00Z"),
        ("09-May-2026", "2026-05-09T00:00:00Z"),
        ("Sat, 9 May 2026 10:00:00 GMT", "2026-05-09T10:00:00Z"),
        ("2026-05-09 10:00:00 +0200", "2026-05-09T08:00:00Z"),
    ])
    func portalDateForms(_ text: String, _ expected: String) {
        #expect(PortalDate.canonical(text, order: .monthFirst) == expected)
    }

    @Test(arguments: [
        "yesterday", "2026-02-30", "13/13/2026", "5/9/26", "10:00", "May 32, 2026", "25:00 5/9/2026",
        "5/9/2026 13:00 PM", "Maybe 9, 2026",
    ])
    func notADate(_ text: String) {
        #expect(PortalDate.canonical(text, order: .monthFirst) == nil)
    }

    @Test func slashOrderFollowsTheFile() {
        #expect(PortalDate.canonical("5/9/2026", order: .dayFirst) == "2026-09-05T00:00:00Z")
        #expect(PortalDate.orderHint("13/5/2026 10:00") == .dayFirst)
        #expect(PortalDate.orderHint("5/13/2026") == .monthFirst)
        #expect(PortalDate.orderHint("5/9/2026") == nil)
    }

    @Test(arguments: [
        (#"["a","b"]"#, ["a", "b"]), ("a, b ,a", ["a", "b"]), ("Linux servers;DMZ", ["Linux servers", "DMZ"]),
        ("one tag", ["one tag"]), ("x\ny", ["x", "y"]),
    ])
    func tagsSplitSensibly(_ text: String, _ tags: [String]) {
        #expect(MachineCSV.tags(text) == tags)
    }
}
