import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// A sync against servers that misbehave (issue 12): a clear error, one failed-run row, nothing else written.
@Suite struct HostileSyncTests {
    static let token = #"{"access_token":"t0k3n","token_type":"Bearer","expires_in":3599}"#

    enum Misbehaviour: String, CaseIterable, Sendable {
        case slowDrip, htmlPage, jsonAsPlainText, binaryGarbage

        var reply: HostileReply {
            switch self {
            case .slowDrip: HostileReply(body: .drip(pause: .milliseconds(50)))
            case .htmlPage:
                HostileReply(
                    headers: [("Content-Type", "text/html")], body: .bytes(Array("<html>Sign in</html>".utf8)))
            case .jsonAsPlainText:
                HostileReply(headers: [("Content-Type", "text/plain")], body: .bytes(Array(#"{"value":[]}"#.utf8)))
            case .binaryGarbage: HostileReply(body: .bytes([0xFF, 0x00, 0x7B, 0x13]))
            }
        }

        /// Only the drip needs a short timeout; it is retried so a token request slowed by a loaded machine gets
        /// more chances, and the drip fails every time whatever the load.
        var policy: RetryPolicy {
            self == .slowDrip
                ? RetryPolicy(maxRetries: 2, baseDelay: 0.001, maxDelay: 0.001, requestTimeout: .seconds(3))
                : RetryPolicy(maxRetries: 0)
        }

        var message: String {
            switch self {
            case .slowDrip: "no complete response within"
            case .htmlPage: "the response is 'text/html', not JSON"
            case .jsonAsPlainText: "the response is 'text/plain', not JSON"
            case .binaryGarbage: "does not parse"
            }
        }
    }

    @Test(arguments: Misbehaviour.allCases)
    func endsInAFailedRunAndWritesNothingElse(_ misbehaviour: Misbehaviour) async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await LedgerFixtures.commit(
            ledger, machines: [try LedgerFixtures.machine(String(repeating: "a", count: 40))],
            observedAt: "2026-11-01T09:00:00Z")
        let before = try LedgerFixtures.historyCounts(ledger.path)
        try await withHostileServer({ request in
            request.path.hasPrefix("/t/oauth2") ? .json(Self.token) : misbehaviour.reply
        }) { server in
            let client = MDEClient(
                endpoints: try MDEEndpoints(
                    baseURL: server.baseURL, tokenURL: server.baseURL + "/t/oauth2/v2.0/token"),
                credentials: ClientCredentials(tenantId: "t", clientId: "c", clientSecret: "s"),
                retryPolicy: misbehaviour.policy)
            let engine = SyncEngine(ledger: ledger, client: client, tenant: TenantSelection())
            let error = await #expect(throws: (any Error).self) { _ = try await engine.run() }
            let text = String(describing: error)
            #expect(text.contains(misbehaviour.message), "\(text)")
            // On a loaded machine the drip's short timeout can be met by the token request first: the same cause,
            // a token error. Every other misbehaviour is the API's.
            if misbehaviour != .slowDrip { #expect(error is MDEAPIError, "\(text)") }
        }
        var after = try LedgerFixtures.historyCounts(ledger.path)
        #expect(after["sync_runs"] == before["sync_runs"]! + 1)
        // A failed run adds its row and its chained run_failed event, nothing else.
        #expect(after["events"] == before["events"]! + 1)
        after["sync_runs"] = before["sync_runs"]
        after["events"] = before["events"]
        #expect(after == before)
        let failed = try await ledger.dbQueue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sync_runs WHERE status = 'failed'")
        }
        #expect(failed == 1)
    }
}
