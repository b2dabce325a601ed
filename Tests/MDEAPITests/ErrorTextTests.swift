import Foundation
import Testing

@testable import AzureAccess
@testable import MDEAPI

@Suite struct ErrorTextTests {
    @Test func apiErrorNamesCallStatusMessageTargetAndFix() {
        let error = MDEAPIError(
            status: 403, method: "GET", endpoint: "/api/machines", code: "Forbidden",
            message: "The application does not have any of the required application permissions",
            target: "|b1838e63-40a6640ddd2719ac.",
            hint: "check the app's API permissions (Machine.Read.All) and admin consent")
        #expect(
            error.description
                == "GET /api/machines failed: 403 Forbidden: The application does not have any of the required "
                + "application permissions (target |b1838e63-40a6640ddd2719ac.); check the app's API permissions "
                + "(Machine.Read.All) and admin consent")
    }

    @Test func transportErrorHasNoStatus() {
        let error = MDEAPIError(status: nil, method: "GET", endpoint: "/api/machineactions", message: "connect timeout")
        #expect(error.description == "GET /api/machineactions failed: connect timeout")
    }

    @Test func tokenErrorShowsEntraErrorAndFirstLine() {
        let error = MDETokenError(
            status: 401, error: "invalid_client", errorDescription: "AADSTS7000215: Invalid client secret provided.",
            hint: "check AZURE_TENANT_ID, AZURE_CLIENT_ID and the client secret")
        #expect(
            error.description
                == "token request failed: 401 invalid_client: AADSTS7000215: Invalid client secret provided.; "
                + "check AZURE_TENANT_ID, AZURE_CLIENT_ID and the client secret")
    }

    @Test(arguments: [
        ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777.0), ("Sunday, 06-Nov-94 08:49:37 GMT", 784_111_777),
        ("Mon, 02 Nov 2026 09:00:00 GMT", 1_793_610_000),
    ])
    func httpDates(text: String, seconds: Double) {
        #expect(HTTPDate.parse(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: ["", "06 Nov 1994", "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 PST"])
    func badHTTPDates(text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }

    @Test func retryAfterSecondsOrDate() {
        let server = Date(timeIntervalSince1970: 1_793_610_000)
        #expect(HTTPDate.retryAfterSeconds("37", serverDate: nil) == 37)
        #expect(HTTPDate.retryAfterSeconds("Mon, 02 Nov 2026 09:01:30 GMT", serverDate: server) == 90)
        #expect(HTTPDate.retryAfterSeconds("Mon, 02 Nov 2026 08:59:00 GMT", serverDate: server) == 0)
        #expect(HTTPDate.retryAfterSeconds("soon", serverDate: server) == nil)
    }

    @Test func backoffGrowsWithJitterAndCap() {
        let policy = RetryPolicy(baseDelay: 1, maxDelay: 8)
        for retry in 1...6 {
            let full = min(8, pow(2, Double(retry - 1)))
            let delay = policy.backoff(retry: retry)
            #expect(delay >= full / 2 && delay <= full)
        }
    }
}
