import Foundation
import GraphAPI
import MDEAPI
import MDELedger

extension SyncCommand {
    /// The Graph part of a sync: Intune managed devices (and the audit events of retire, wipe and delete), Entra
    /// devices, licences and users, recorded as history; the retirements they show become retirement facts, joined
    /// to MDE by the Entra device id. A listing the app may not read is skipped with a note (a warning when
    /// `--graph` was asked for); a short or failed listing fails the Graph step (the MDE run stands).
    /// - Returns: lines for stderr.
    static func syncGraph(
        ledger: Ledger, tenant: String, connection: TenantConnection, httpClient: MDEHTTPClient,
        retryPolicy: RetryPolicy, env: [String: String], lock: LedgerLock
    ) async throws -> [String] {
        let client = GraphClient(
            endpoints: try graphEndpoints(connection: connection, env: env), credentials: connection.credentials,
            httpClient: httpClient, retryPolicy: retryPolicy)
        let (summary, skipped) = try await recordGraph(ledger: ledger, tenant: tenant, client: client, lock: lock)
        if let summary { print(summary.text) }
        return skipped
    }

    /// Reads what `client` may read and records it (`Ledger.recordGraphRead`); nil when nothing could be read.
    /// - Returns: the run's summary, and a line for each part not read.
    static func recordGraph(
        ledger: Ledger, tenant: String, client: GraphClient, lock: LedgerLock
    ) async throws -> (GraphRunSummary?, [String]) {
        var skipped: [String] = []
        func read<Item>(_ what: String, _ call: () async throws -> GraphListing<Item>) async throws -> GraphListing<
            Item
        >? {
            do { return try await call() } catch let error as GraphPermissionError {
                skipped.append("\(what) not read: \(error)")
                return nil
            }
        }
        let intune = try await read("Intune managed devices") { try await client.managedDevices(version: .beta) }
        let entra = try await read("Entra devices") { try await client.entraDevices() }
        let skus = try await read("licences (subscribedSkus)") { try await client.subscribedSkus() }
        let users = try await read("users") { try await client.users() }
        let now = intune?.serverDate ?? entra?.serverDate ?? skus?.serverDate ?? users?.serverDate ?? Date()
        var events: [IntuneAuditEvent] = []
        if intune != nil {
            // Retirements stay in the list for days; a month of audit events covers any a daily sync can see.
            events =
                try await read("Intune audit events (retirements are recorded without their actor)") {
                    try await client.auditEvents(since: now.addingTimeInterval(-30 * 86_400))
                }?.items ?? []
        }
        var listings: [SourceListing] = []
        if let intune { listings.append(GraphSources.intune(intune.items)) }
        if let entra { listings.append(GraphSources.entra(entra.items)) }
        if let skus { listings.append(GraphSources.skus(skus.items)) }
        if let users { listings.append(GraphSources.users(users.items)) }
        guard !listings.isEmpty else { return (nil, skipped) }
        var answer: [JSONValue] = []
        answer += intune?.items.map(\.raw) ?? []
        answer += events.map(\.raw)
        answer += entra?.items.map(\.raw) ?? []
        answer += skus?.items.map(\.raw) ?? []
        answer += users?.items.map(\.raw) ?? []
        let read = GraphRead(
            baseURL: client.endpoints.baseURL.absoluteString, observedAt: UTCTime.format(now), listings: listings,
            retirements: IntuneRetirements.facts(devices: intune?.items ?? [], events: events, answeredAt: now),
            answer: .array(answer), credential: client.credentialKind.rawValue)
        return (try ledger.recordGraphRead(read, tenant: TenantSelection(name: tenant), holding: lock), skipped)
    }

    /// Graph's base URL: `MDE_GRAPH_BASE_URL`, else the MDE endpoint itself when that is loopback (the simulator
    /// serves both, and a test must never reach a real Graph), else the cloud's Graph host.
    static func graphEndpoints(connection: TenantConnection, env: [String: String]) throws -> GraphEndpoints {
        let mde = connection.endpoints.baseURL
        let base =
            env["MDE_GRAPH_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (Loopback.isLiteral(host: mde.host ?? "") ? mde.absoluteString : GraphEndpoints.host(connection.cloud))
        return try GraphEndpoints(
            baseURL: base, tokenURL: connection.endpoints.tokenURL.absoluteString,
            scope: GraphEndpoints.scope(connection.cloud))
    }
}

extension GraphRunSummary {
    /// What `sync` prints after the Graph step.
    var text: String {
        func listing(_ kind: SourceKind, _ noun: String) -> String? {
            listed[kind].map { "\($0) \(noun) (\(changed[kind] ?? 0) new or changed, \(gone[kind] ?? 0) gone)" }
        }
        let listings = [
            listing(.intune, "Intune devices"), listing(.entra, "Entra devices"), listing(.sku, "licences"),
            listing(.user, "users"),
        ].compactMap { $0 }
        let shownText = RetirementSourceRule.allCases.compactMap { rule in
            shown[rule].map { "\($0) \(rule.rawValue)" + (counted.contains(rule) ? "" : " (not counted)") }
        }
        return """
            graph run \(run) committed: \(listings.joined(separator: ", "))
              retirements shown: \(shownText.isEmpty ? "none" : shownText.joined(separator: ", ")); \(recorded) MDE devices newly retired, \(unmatched) without an MDE device, \(retiredElsewhere) already retired by another source
            """
    }
}
