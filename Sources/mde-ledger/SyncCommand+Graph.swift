import Foundation
import GraphAPI
import MDEAPI
import MDELedger

extension SyncCommand {
    /// The Graph part of a sync: Intune's retirements become retirement facts of the ledger, joined to MDE by
    /// the Entra device id. A permission the app lacks skips that part with a warning; a short or failed listing
    /// records nothing (the MDE run stands).
    static func syncIntuneRetirements(
        ledger: Ledger, tenant: String, connection: TenantConnection, httpClient: MDEHTTPClient,
        retryPolicy: RetryPolicy, env: [String: String], lock: LedgerLock
    ) async throws -> [String] {
        let base = env["MDE_GRAPH_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? GraphEndpoints.host(connection.cloud)
        let endpoints = try GraphEndpoints(
            baseURL: base, tokenURL: connection.endpoints.tokenURL.absoluteString,
            scope: GraphEndpoints.scope(connection.cloud))
        let client = GraphClient(
            endpoints: endpoints, credentials: connection.credentials, httpClient: httpClient, retryPolicy: retryPolicy)
        let devices: GraphListing<IntuneManagedDevice>
        do {
            devices = try await client.managedDevices(version: .beta)
        } catch let error as GraphPermissionError {
            return ["Intune retirements skipped: \(error)"]
        }
        var notes: [String] = []
        var events: [IntuneAuditEvent] = []
        do {
            // Retirements stay in the list for days; a month of audit events covers any a daily sync can see.
            events = try await client.auditEvents(
                since: (devices.serverDate ?? Date()).addingTimeInterval(-30 * 86_400)
            )
            .items
        } catch let error as GraphPermissionError {
            notes.append("Intune audit events skipped (retirements are recorded without their actor): \(error)")
        }
        let facts = IntuneRetirements.facts(
            devices: devices.items, events: events, answeredAt: devices.serverDate ?? Date())
        let answer = JSONValue.array(devices.items.map(\.raw) + events.map(\.raw))
        let summary = try ledger.recordSourceRetirements(
            facts, source: "Microsoft Graph (Intune)", answer: answer, tenant: TenantSelection(name: tenant),
            holding: lock)
        print(
            "intune: \(devices.items.count) managed devices, \(summary.shown) retired or wiped, \(summary.recorded) "
                + "MDE devices newly retired, \(summary.unmatched) without an MDE device"
                + (summary.run.map { " (run \($0))" } ?? ""))
        return notes
    }
}
