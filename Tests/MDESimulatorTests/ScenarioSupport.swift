import Foundation
import MDESimulator
import MDETestSupport

/// Parses MDE's `2026-11-02T08:13:41.1234567Z` (or whole seconds) into a Date.
func mdeDate(_ text: Any?) -> Date? {
    guard let text = text as? String, text.count >= 20 else { return nil }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
    guard let whole = formatter.date(from: String(text.prefix(19))) else { return nil }
    let fraction = text.dropFirst(19).dropLast().dropFirst()  // the digits between "." and "Z"
    return whole.addingTimeInterval(fraction.isEmpty ? 0 : (Double("0." + fraction) ?? 0))
}

extension SimHTTP {
    /// The machine as JSON, or nil on 404.
    func machine(_ id: String, token: String) async throws -> [String: Any]? {
        let response = try await get("/api/machines/\(id)", token: token)
        return response.status == 404 ? nil : try response.json
    }

    /// An onboarded, reporting Windows 11 device seen in the last day.
    func reportingWindowsDevice(token: String, skipping: Int = 0) async throws -> [String: Any]? {
        let filter = q("osPlatform eq 'Windows11' and healthStatus eq 'Active' and onboardingStatus eq 'Onboarded'")
        let now = sim.simulator.now()
        return try await get("/api/machines?$filter=\(filter)", token: token).values
            .filter { (mdeDate($0["lastSeen"]) ?? .distantPast) > now.addingTimeInterval(-86_400) }
            .dropFirst(skipping).first
    }

    func postJSON(_ uri: String, _ json: String, token: String) async throws -> RawResponse {
        try await request(.post, uri, token: token, json: json)
    }
}
