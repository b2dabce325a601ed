import Foundation
import GraphAPI
import MDEAPI
import MDELedger
import MDESimulator

/// The story itself: months of virtual time, a sync every week, the retirement lists, offboarding, and the
/// monthly reports, all through the library the commands use.
struct DemoPlay {
    let folder: DemoFolder
    let simulator: MDESimulator
    let cast: DemoCast
    let calendar: DemoCalendar
    let ledger: Ledger
    let endpoints: MDEEndpoints
    let credentials: ClientCredentials
    var reportFiles: [String] = []

    init(folder: DemoFolder, simulator: MDESimulator, port: Int, seed: UInt64, months: Int) throws {
        let configuration = simulator.configuration
        self.folder = folder
        self.simulator = simulator
        cast = DemoCast(seed: seed)
        calendar = DemoCalendar(start: configuration.start, months: months)
        let base = "http://127.0.0.1:\(port)"
        endpoints = try MDEEndpoints(baseURL: base, tokenURL: "\(base)/\(configuration.tenantId)/oauth2/v2.0/token")
        credentials = ClientCredentials(
            tenantId: configuration.tenantId, clientId: configuration.clientId,
            clientSecret: configuration.clientSecret)
        ledger = try Ledger.open(path: folder.ledger, create: true, clock: TestClock.ledger)
    }

    mutating func run() async throws {
        let configuration = simulator.configuration
        print(
            """
            mde-ledger demo: a simulated tenant of \(configuration.devices) devices (seed \(configuration.seed)) \
            at \(endpoints.baseURL.absoluteString), \(calendar.monthEnds.count) months of virtual time from \
            \(Self.day(calendar.start)), a sync every week
            note: the simulator's rate limits (100 calls a minute, 1,500 an hour) are off for the demo, and so is \
            the client's, so offboarding takes seconds instead of minutes
            writing into \(folder.shown)

            """)
        for step in calendar.steps {
            simulator.advanceClock(to: step.date)
            if let week = step.week { try await weekly(week) }
            if let month = step.month { try await monthEnd(month) }
        }
        try DemoSummary(
            folder: folder, ledger: ledger, monthEnd: calendar.monthEnds.last!, reportFiles: reportFiles,
            clientId: credentials.clientId
        )
        .print()
    }

    /// A new client per step: tokens live on the virtual clock, which jumps a week between steps.
    func client() -> MDEClient {
        MDEClient(endpoints: endpoints, credentials: credentials, rateLimit: RateLimitPolicy(windows: []))
    }

    private func weekly(_ week: Int) async throws {
        // Each week a few devices stop reporting (lost, broken, in a drawer): stale, then inactive, and after
        // the retention period they leave the service's list.
        let quiet = week == 0 ? [] : simulator.machineIds().filter { cast.picks($0, "quiet-\(week)", perMille: 2) }
        for id in quiet { simulator.retireDeviceSilently(id) }
        try await sync(
            quiet.isEmpty ? "" : "; \(quiet.count) \(quiet.count == 1 ? "device stops" : "devices stop") reporting")
        if week == 1 { try await firstRetirementList() }
        if week == max(2, calendar.weekCount / 2) { try secondRetirementList() }
    }

    private mutating func monthEnd(_ month: Int) async throws {
        let date = calendar.monthEnds[month]
        try await sync(" (month end)")
        let report = try ReportCatalogue().report(named: "license-compliance")
        let result = try ledger.runReport(
            report, tenant: nil, asOf: UTCTime.format(date), toolVersion: ReportCommand.toolVersion)
        let name = "license-compliance-\(UTCTime.format(date).prefix(7))"
        for format in [ReportFormat.md, .csv, .html] {
            let path = folder.reports.appendingPathComponent("\(name).\(format.rawValue)").path
            try ReportFileWriter.write(try result.render(format), to: path)
            reportFiles.append(path)
        }
        print(
            "\(Self.day(date))  report: reports/\(name).{md,csv,html}, \(result.rows.count) rows, "
                + "\(result.findingCount ?? 0) findings\n")
    }

    @discardableResult
    func sync(_ note: String = "") async throws -> RunSummary {
        let engine = SyncEngine(
            ledger: ledger, client: client(),
            tenant: TenantSelection(entraTenantId: credentials.tenantId, clientId: credentials.clientId),
            source: endpoints.baseURL.absoluteString)
        let s = try await engine.run()
        let graph = try await graphStep(tenant: s.tenant)
        let retired = graph.map { $0.recorded > 0 ? "; Graph: \($0.recorded) retired in Intune or Entra" : "" } ?? ""
        print(
            "\(s.observedAt.prefix(10))  sync run \(s.run): \(s.machinesSeen) machines (\(s.discovered) new, "
                + "\(s.changed) changed, \(s.removed) removed), \(s.actionsNew) new actions, "
                + "\(s.actionStatusChanges) action updates, \(s.lifecycleTransitions) lifecycle transitions"
                + "\(retired)\(note)")
        return s
    }

    /// The Graph step of the sync, as `sync` runs it: Intune, Entra, licences and users as history, and the
    /// retirements they show.
    private func graphStep(tenant: String) async throws -> GraphRunSummary? {
        let lock = try LedgerLock.acquire(ledgerPath: folder.ledger, purpose: "demo")
        let client = GraphClient(
            endpoints: try GraphEndpoints(
                baseURL: endpoints.baseURL.absoluteString, tokenURL: endpoints.tokenURL.absoluteString),
            credentials: credentials, rateLimit: RateLimitPolicy(windows: []))
        return try await SyncCommand.recordGraph(ledger: ledger, tenant: tenant, client: client, lock: lock).0
    }

    static func day(_ date: Date) -> String { String(UTCTime.format(date).prefix(10)) }
}
