import Foundation
import GRDB
import GraphAPI
import MDESimulator
import MDETestSupport
import Testing

/// Issue 20: `report license-compliance` counts clients per user, as Microsoft licenses Defender for Endpoint, from
/// what Graph shows (Intune's primary users, users' assigned licences, the subscribed SKUs), and lists the counted
/// devices and users. Each figure is recomputed here from Graph's own answers, joined in Swift.
@Suite struct LicenceReportTests {
    typealias Row = [String: Any]

    /// Every device known at T is in the appendix once: counted (or folded into a counted id) or not counted,
    /// with why; the reasons agree with the device's own facts.
    @Test func everyDeviceIsCountedOrSaysWhyNot() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        try await withSimulator(SimulatorConfiguration(devices: 300, rateLimits: .unlimited)) { sim in
            let sync = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: sim.environment)
            #expect(sync.status == 0, "\(sync.stderr)")
            let report = try await CLIRunner.run(["report", "license-compliance", "--db", db, "--format", "json"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? Row)
            let rows = try #require(json["rows"] as? [Row])
            func ids(_ section: String) -> [String] {
                rows.filter { $0["section"] as? String == section }.compactMap { $0["machine_id"] as? String }
            }
            let devices = try await CLIRunner.run(["devices", "--db", db, "--format", "json"])
            let all = try #require(try JSONSerialization.jsonObject(with: Data(devices.stdout.utf8)) as? [Row])
            let counted = ids("counted-devices")
            let notCounted = ids("not-counted")
            #expect(Set(counted).isDisjoint(with: notCounted))
            #expect(counted.count + notCounted.count == all.count)
            #expect(Set(counted + notCounted) == Set(all.compactMap { $0["id"] as? String }))
            let why = Dictionary(
                uniqueKeysWithValues: rows.filter { $0["section"] as? String == "not-counted" }.map {
                    ($0["machine_id"] as! String, $0["verdict"] as? String ?? "")
                })
            for device in all {
                let id = device["id"] as! String
                let platform = device["osPlatform"] as? String ?? ""
                if ["iOS", "iPadOS", "Android"].contains(platform) {
                    #expect(why[id] == "mobile: counts against no licence", "\(id) \(platform)")
                } else if device["onboardingStatus"] as? String != "Onboarded" {
                    #expect(why[id] == "not onboarded", "\(id)")
                } else if ["offboarded", "removed", "retention-expired"].contains(device["state"] as? String ?? "") {
                    #expect(why[id] == device["state"] as? String, "\(id)")
                }
            }
            #expect(notCounted.contains { why[$0]?.hasPrefix("not seen within 30 days") == true })
            // Markdown summarises the appendix: its counts add up to the rows JSON lists.
            let markdown = try await CLIRunner.run(["report", "license-compliance", "--db", db])
            let part = markdown.stdout.components(separatedBy: "## not-counted (").dropFirst().first ?? ""
            #expect(part.hasPrefix("\(notCounted.count) rows, counted here;"), "\(part.prefix(200))")
            let table = part.components(separatedBy: "\n\n").dropFirst().first ?? ""
            let counts = table.split(separator: "\n").dropFirst(2).compactMap {
                Int($0.split(separator: "|").last?.trimmingCharacters(in: .whitespaces) ?? "")
            }
            #expect(counts.reduce(0, +) == notCounted.count, "\(table)")
        }
    }

    @Test func perUserFiguresAgreeWithGraphJoinedIndependently() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        try await withSimulator(SimulatorConfiguration(devices: 300, rateLimits: .unlimited)) { sim in
            let sync = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: sim.environment)
            #expect(sync.status == 0, "\(sync.stderr)")
            let report = try await CLIRunner.run(["report", "license-compliance", "--db", db, "--format", "json"])
            #expect(report.status == 0, "\(report.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? Row)
            let rows = try #require(json["rows"] as? [Row])
            func section(_ name: String) -> [Row] { rows.filter { $0["section"] as? String == name } }
            func item(_ name: String) -> Row? { section("users").first { $0["item"] as? String == name } }

            // Graph, read and joined here.
            let graph = GraphClient(
                endpoints: try GraphEndpoints(baseURL: sim.baseURL, tokenURL: sim.tokenURL),
                credentials: ClientCredentials(
                    tenantId: sim.simulator.configuration.tenantId, clientId: "sim-client",
                    clientSecret: "sim-secret"),
                clock: .immediate())
            let defenderSkus = try await graph.subscribedSkus().items.filter(\.includesDefenderForEndpoint)
            let perUser = Set(defenderSkus.filter { $0.appliesTo?.lowercased() != "company" }.map(\.skuId))
            let licensed = Set(
                try await graph.users().items.filter { !Set($0.assignedSkuIds).isDisjoint(with: perUser) }.map(\.id))
            var userOf: [String: String] = [:]
            for device in try await graph.managedDevices().items {
                if let aad = device.azureADDeviceId?.lowercased(), let user = device.userId { userOf[aad] = user }
            }
            // The counted clients, as the appendix lists them; their Entra ids from the ledger.
            let counted = section("counted-devices").filter { $0["item"] as? String == "client" }
            #expect(!counted.isEmpty)
            let aadIds = try await DatabaseQueue(path: db).read { db in
                try Dictionary(
                    uniqueKeysWithValues: GRDB.Row.fetchAll(db, sql: "SELECT id, aad_device_id FROM machines").map {
                        ($0["id"] as String, ($0["aad_device_id"] as String?)?.lowercased())
                    })
            }
            let users = counted.map { row in aadIds[row["machine_id"] as! String]!.flatMap { userOf[$0] } }
            let reportingUsers = Set(users.compactMap { $0 })
            #expect(
                item("licensed users with reporting devices")?["users"] as? Int
                    == reportingUsers.intersection(licensed).count)
            #expect(item("devices without a primary user")?["devices"] as? Int == users.filter { $0 == nil }.count)
            #expect(
                item("devices whose user holds no licence")?["users"] as? Int
                    == reportingUsers.subtracting(licensed).count)
            let clients = try #require(section("licences").first { $0["item"] as? String == "clients" })
            #expect(clients["users"] as? Int == reportingUsers.count)
            #expect(clients["basis"] as? String == "per user")
            #expect(clients["entitled_from"] as? String == "Graph subscribedSkus")
            #expect(
                clients["entitled"] as? Int
                    == defenderSkus.filter { perUser.contains($0.skuId) }.compactMap(\.prepaidEnabled).reduce(0, +))
            #expect(section("counted-users").count == reportingUsers.count)

            // A typed entitlement wins, and the report says so.
            let set = try await CLIRunner.run([
                "tenant", "set", "default", "licenses.clients", "40", "--effective", "2026-01-01", "--db", db,
            ])
            #expect(set.status == 0, "\(set.stderr)")
            let typed = try await CLIRunner.run(["report", "license-compliance", "--db", db, "--format", "csv"])
            #expect(typed.stdout.contains(",40,tenant setting licenses.clients,"), "\(typed.stdout)")
        }
    }

    @Test func withoutGraphClientsAreCountedPerDeviceAsBefore() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        try await withSimulator(SimulatorConfiguration(devices: 50, rateLimits: .unlimited)) { sim in
            let sync = try await CLIRunner.run(
                ["sync", "--no-progress", "--no-graph", "--db", db], environment: sim.environment)
            #expect(sync.status == 0, "\(sync.stderr)")
            let report = try await CLIRunner.run(["report", "license-compliance", "--db", db, "--format", "md"])
            #expect(report.stdout.contains("| default | clients |"), "\(report.stdout)")
            #expect(report.stdout.contains("per device"), "\(report.stdout)")
            #expect(!report.stdout.contains("## users"), "\(report.stdout)")
        }
    }
}
