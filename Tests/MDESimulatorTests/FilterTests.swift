import Foundation
import MDESimulator
import MDETestSupport
import Testing

@Suite struct FilterTests {
    /// Fetches all machines, then the filtered list, and compares the filter with the same rule in Swift.
    private func check(
        _ http: SimHTTP, _ token: String, _ path: String, _ filter: String,
        minimum: Int = 1, _ rule: ([String: Any]) -> Bool
    ) async throws {
        let all = try await http.get("\(path)?$top=10000", token: token).values
        let response = try await http.get("\(path)?$top=10000&$filter=\(q(filter))", token: token)
        #expect(response.status == 200, "\(filter): \(response.text.prefix(300))")
        let got = Set(try response.values.compactMap { $0["id"] as? String })
        let expected = Set(all.filter(rule).compactMap { $0["id"] as? String })
        #expect(got == expected, "\(filter)")
        #expect(got.count >= minimum, "\(filter) matched only \(got.count)")
        #expect(got.count < all.count, "\(filter) matched everything")
    }

    @Test func machineOperators() async throws {
        try await withSimulator(.init(devices: 1_000)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let m = "/api/machines"
                try await check(http, token, m, "healthStatus eq 'Active'") {
                    $0["healthStatus"] as? String == "Active"
                }
                try await check(http, token, m, "healthStatus ne 'Active'") {
                    $0["healthStatus"] as? String != "Active"
                }
                try await check(http, token, m, "rbacGroupId eq 141") { $0["rbacGroupId"] as? Int == 141 }
                try await check(http, token, m, "rbacGroupId gt 140") { ($0["rbacGroupId"] as? Int ?? 0) > 140 }
                try await check(http, token, m, "rbacGroupId ge 141") { ($0["rbacGroupId"] as? Int ?? 0) >= 141 }
                try await check(http, token, m, "rbacGroupId lt 141") { ($0["rbacGroupId"] as? Int ?? 0) < 141 }
                try await check(http, token, m, "rbacGroupId le 140") { ($0["rbacGroupId"] as? Int ?? 0) <= 140 }
                // Unquoted date literals, with and without a time; MDE's strings sort as times.
                try await check(http, token, m, "lastSeen gt 2026-10-26Z") {
                    ($0["lastSeen"] as! String) > "2026-10-26"
                }
                try await check(http, token, m, "lastSeen lt 2026-10-26T00:00:00Z") {
                    ($0["lastSeen"] as! String) < "2026-10-26"
                }
                try await check(http, token, m, "osPlatform eq 'Windows11' and riskScore eq 'High'") {
                    $0["osPlatform"] as? String == "Windows11" && $0["riskScore"] as? String == "High"
                }
                try await check(http, token, m, "startswith(computerDnsName,'desktop-')") {
                    ($0["computerDnsName"] as! String).hasPrefix("desktop-")
                }
                try await check(http, token, m, "machineTags/any(tag: tag eq 'VIP')") {
                    ($0["machineTags"] as! [String]).contains("VIP")
                }
                // A quote inside a literal is doubled.
                try await check(http, token, m, "machineTags/any(t: t eq 'O''Brien team')") {
                    ($0["machineTags"] as! [String]).contains("O'Brien team")
                }
                try await check(http, token, m, "onboardingStatus ne 'Onboarded'") {
                    $0["onboardingStatus"] as? String != "Onboarded"
                }
            }
        }
    }

    @Test func actionOperators() async throws {
        try await withSimulator(.init(devices: 1_000)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let a = "/api/machineactions"
                let all = try await http.get("\(a)?$top=10000", token: token).values
                let machineId = try #require(all.first?["machineId"] as? String)
                try await check(http, token, a, "machineId eq '\(machineId)' and type eq 'Offboard'", minimum: 0) {
                    $0["machineId"] as? String == machineId && $0["type"] as? String == "Offboard"
                }
                try await check(http, token, a, "machineId eq '\(machineId)'") {
                    $0["machineId"] as? String == machineId
                }
                try await check(http, token, a, "status eq 'Pending'") { $0["status"] as? String == "Pending" }
                try await check(http, token, a, "requestor eq 'alice.admin@contoso.com' and type eq 'RunAntiVirusScan'")
                {
                    $0["requestor"] as? String == "alice.admin@contoso.com"
                        && $0["type"] as? String == "RunAntiVirusScan"
                }
                try await check(http, token, a, "creationDateTimeUtc ge 2026-10-01T00:00:00Z") {
                    ($0["creationDateTimeUtc"] as! String) >= "2026-10-01"
                }
                let id = try #require(all.last?["id"] as? String)
                try await check(http, token, a, "id eq '\(id)'") { $0["id"] as? String == id }
            }
        }
    }

    @Test func badFiltersAreRejectedWithAClearMessage() async throws {
        try await withSimulator(.init(devices: 10)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let cases = [
                    ("/api/machines", "colour eq 'red'", "colour"),
                    ("/api/machines", "firstSeen gt 2026-01-01Z", "firstSeen"),
                    ("/api/machines", "healthStatus eq 'Active", "unterminated"),
                    ("/api/machines", "healthStatus equals 'Active'", "equals"),
                    ("/api/machines", "lastSeen gt 'yesterday'", "lastSeen"),
                    ("/api/machines", "(healthStatus eq 'Active'", "')'"),
                    ("/api/machineactions", "lastUpdateDateTimeUtc gt 2026-01-01Z", "lastUpdateDateTimeUtc"),
                ]
                for (path, filter, mentions) in cases {
                    let response = try await http.get("\(path)?$filter=\(q(filter))", token: token)
                    #expect(response.status == 400, "\(filter)")
                    #expect(response.errorCode == "ODataError", "\(filter)")
                    let message = (try response.json["error"] as? [String: Any])?["message"] as? String ?? ""
                    #expect(message.contains(mentions), "\(filter): \(message)")
                }
            }
        }
    }
}
