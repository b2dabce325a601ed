import ArgumentParser
import Foundation
import MDEAPI
import MDELedger

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Pull every machine and machine action from the MDE API into the ledger.",
        discussion: """
            A sync fetches the complete snapshot (all machine pages, then machine actions) before it writes \
            anything, then commits it in one transaction: a run that fails or is killed leaves the ledger as the \
            last committed run left it. An unchanged tenant writes no history. The ledger is created on first use.

            Credentials (--credential, docs/credentials.md): AZURE_TENANT_ID and AZURE_CLIENT_ID with \
            AZURE_CLIENT_SECRET (or AZURE_CLIENT_SECRET_FILE), AZURE_CLIENT_CERTIFICATE_PATH (a .pfx or PEM file; its \
            password in AZURE_CLIENT_CERTIFICATE_PASSWORD or AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE) or \
            AZURE_FEDERATED_TOKEN_FILE; or the host's managed identity (IMDS, App Service, Azure Arc). \
            Endpoints: --cloud (public, gcc, gcc-high, dod; default the tenant's 'cloud' setting, else public) picks \
            the API host, the login host and the token scope; --base-url / MDE_API_BASE_URL and --token-url / \
            MDE_TOKEN_URL override the hosts, the tenant's 'scope' setting or MDE_TOKEN_SCOPE the scope. Plain http:// is accepted \
            only for loopback addresses (the simulator). A token URL stored in the ledger must be a Microsoft Entra \
            login host or loopback unless --token-url or MDE_TOKEN_URL names it. Redirects are never followed.

            Several tenants: the tenant's row (see 'mde-ledger tenant add') supplies its tenant id, client id, \
            region, base and token URLs, and the secret comes from AZURE_CLIENT_SECRET_<NAME> or \
            AZURE_CLIENT_SECRET_FILE_<NAME> (NAME upper-cased, other characters as _), else AZURE_CLIENT_SECRET.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    @OptionGroup var api: APIOptions

    @Flag(
        name: .customLong("allow-mass-removal"),
        help: "Commit even if more than the tenant's max_removal_percent (default 10) of devices would be removed.")
    var allowMassRemoval = false

    @Flag(
        name: .customLong("graph"), inversion: .prefixedNo,
        help: ArgumentHelp(
            "After the MDE snapshot, read Intune and Entra devices, licences and users through Microsoft Graph, keep "
                + "them as history and record the devices retired, wiped or deleted there as retirements "
                + "(docs/graph.md). Default: on, skipping quietly what the app may not read; --graph warns about it."))
    var graph: Bool?

    @Option(
        name: .customLong("max-response-mb"),
        help: ArgumentHelp(
            "The largest API response accepted, in MB (a 10,000-machine page is about 15).", valueName: "n"))
    var maxResponseMB = 64

    // Hidden: small pages only make more calls; tests use them to get many pages from a small tenant.
    @Option(
        name: .customLong("page-size"),
        help: ArgumentHelp(
            "Items per API page, 1…10000 (for testing; the default 10000 makes the fewest calls).",
            valueName: "n", visibility: .hidden))
    var pageSize = 10_000

    func validate() throws {
        guard (1...10_000).contains(pageSize) else { throw ValidationError("--page-size must be 1…10000") }
        guard (1...4096).contains(maxResponseMB) else { throw ValidationError("--max-response-mb must be 1…4096") }
    }

    func run() async throws {
        // Lock before opening: a second sync is refused at once, even while the first one is committing.
        let lock = try LedgerLock.acquire(ledgerPath: try ledger.path, purpose: "sync")
        // An existing ledger names the tenant's ids and endpoints; a missing one is created only once the
        // credentials are known to be there.
        let existing = FileManager.default.fileExists(atPath: try ledger.path) ? try ledger.open(create: true) : nil
        let connection = try TenantConnection.resolve(
            ledger: existing, options: api, env: ProcessInfo.processInfo.environment)
        let (credentials, endpoints) = (connection.credentials, connection.endpoints)
        let opened = try existing ?? ledger.open(create: true)
        let progress = ProgressLine(enabled: !api.noProgress)
        let httpClient = try api.httpClient(environment: ProcessInfo.processInfo.environment)
        var retryPolicy = api.retryPolicy
        retryPolicy.maxResponseBytes = maxResponseMB << 20
        let client = MDEClient(
            endpoints: endpoints, credentials: credentials, rateLimit: api.policy, httpClient: httpClient,
            retryPolicy: retryPolicy)
        client.setWaitObserver { progress.show($0) }
        var engine = SyncEngine(
            ledger: opened, client: client,
            // A managed identity may know neither: nothing is pinned then.
            tenant: TenantSelection(
                name: api.tenant, entraTenantId: credentials.tenantId.isEmpty ? nil : credentials.tenantId,
                clientId: credentials.clientId.isEmpty ? nil : credentials.clientId),
            source: endpoints.baseURL.absoluteString)
        engine.pageSize = pageSize
        engine.allowMassRemoval = allowMassRemoval
        let hook = SyncTestHook(environment: ProcessInfo.processInfo.environment)
        engine.checkpoint = { hook.reached($0) }
        let summary: RunSummary
        do {
            summary = try await engine.run(holding: lock) { event in progress.show(event.text) }
        } catch {
            progress.finish()
            try? await httpClient.shutdown()
            throw error
        }
        progress.finish()
        print(summary.text)
        for warning in summary.warnings { printError("warning: \(warning)") }
        if graph ?? true {
            // Asked for with --graph: what could not be read is a warning and a failure fails the sync. By default
            // (apps without Graph permissions are normal) a part not read is a note and a failure a warning: the MDE
            // run stands either way.
            let asked = graph == true
            do {
                let skipped = try await Self.syncGraph(
                    ledger: opened, tenant: summary.tenant, connection: connection, httpClient: httpClient,
                    retryPolicy: retryPolicy, env: ProcessInfo.processInfo.environment, lock: lock)
                for line in skipped { printError(Main.printable((asked ? "warning: " : "") + "graph: \(line)")) }
            } catch let error as MDETokenError where !asked {
                printError(
                    Main.printable(
                        "graph: not read, no Graph token (\(error)); grant the app Graph permissions "
                            + "(docs/graph.md) or turn the Graph step off with --no-graph"))
            } catch  where !asked {
                printError(
                    Main.printable(
                        "warning: graph: nothing recorded from Graph: \(error); the MDE run stands (docs/graph.md)"))
            } catch {
                try? await httpClient.shutdown()
                throw error
            }
        }
        ledger.keepAnswers(opened)
        try? await httpClient.shutdown()
    }
}

extension SyncProgress {
    var text: String {
        switch self {
        case .fetched(let resource, let items, let pages): "fetched \(items) \(resource) (\(pages) pages)"
        case .committing: "committing"
        case .waiting(let why): why
        }
    }
}

extension RunSummary {
    /// The lines `sync` and `import` print when a run commits.
    var text: String {
        """
        \(kind) run \(run) committed for tenant \(tenant), as of \(observedAt): \(machinesSeen) machines, \(actionsSeen) machine actions
          devices: \(discovered) discovered, \(changed) changed, \(removed) removed, \(reappeared) reappeared
          actions: \(actionsNew) new, \(actionStatusChanges) status changes; lifecycle: \(lifecycleTransitions) transitions
          written: \(observationsWritten) machine observations (\(sightingsWritten) lastSeen only), \(actionObservationsWritten) action observations, \(eventsWritten) events
          api: \(apiCalls) calls, \(throttled) throttled (429), \(retries) retries
        """
    }
}
