import ArgumentParser
import Foundation
import MDEAPI
import MDELedger

/// The shared flow of `offboard` and `tag`: select, show, confirm, send, summarise.
struct OutboxCLI {
    var ledger: LedgerOptions
    var api: APIOptions
    var dryRun: Bool
    var yes: Bool

    static func deviceSelection(device: [String], fromFile: String?) throws -> DeviceSelection {
        guard let fromFile else { return .devices(device, source: "command line") }
        let text: String
        do {
            text = try String(contentsOfFile: fromFile, encoding: .utf8)
        } catch {
            throw CLIFailure(message: "cannot read \(fromFile); check the path (\(error.localizedDescription))")
        }
        return .devices(try DeviceListFile.parse(text, file: fromFile), source: fromFile)
    }

    func run(
        kind: OutboxKind, selection: DeviceSelection, comment: String?, tag: String?, retryFailed: Bool,
        requestedBy: String?
    ) async throws {
        // Lock before reading the selection: no other run may send or sync while this plan is made and sent.
        let lock = try LedgerLock.acquire(ledgerPath: ledger.path, purpose: kind == .offboard ? "offboard" : "tag")
        let opened = try ledger.open()
        let env = ProcessInfo.processInfo.environment
        let connection = Result {
            try TenantConnection.resolve(
                ledger: opened, tenant: api.tenant, baseURL: api.baseURL, tokenURL: api.tokenURL, env: env)
        }
        // A dry run needs no credentials: it records the client id when it is known.
        let clientId =
            (try? connection.get().credentials.clientId)
            ?? (try? opened.resolveTenant(TenantSelection(name: api.tenant), create: false).clientId) ?? nil
        let request = OutboxRequest(
            kind: kind, tenant: api.tenant, selection: selection, comment: comment, tag: tag,
            retryFailed: retryFailed, requestedBy: requestedBy ?? env["USER"] ?? env["LOGNAME"] ?? "unknown",
            clientId: clientId ?? "unknown",
            apiBaseURL: (try? connection.get().endpoints.baseURL.absoluteString) ?? "unknown")
        let preview = try opened.previewOutbox(request)
        let what = kind == .offboard ? "offboard" : "tag \(kind == .tagAdd ? "add" : "remove") \(tag ?? "")"
        if dryRun {
            print(OutboxText.preview(preview, what: what, listSelected: true))
            try opened.recordDryRun(request, preview)
            print("dry run: nothing sent; recorded as an outbox_dry_run event")
            return
        }
        print(OutboxText.preview(preview, what: what, listSelected: false))
        let open = try preview.resumablePlan.map { try opened.outboxSteps($0).filter(\.step.isOpen).count }
        let calls = open ?? preview.selected.count
        guard calls > 0 else {
            print("nothing to send")
            return
        }
        let requests =
            kind == .offboard ? calls : (calls + MDEClient.maxMachinesPerTagCall - 1) / MDEClient.maxMachinesPerTagCall
        if let plan = preview.resumablePlan { print("resuming plan \(plan): \(calls) devices still open") }
        let seconds = minimumDuration(calls: requests, policy: api.policy)
        let least = seconds < 60 ? "under a minute" : "at least \(durationText(seconds))"
        print("\(requests) API request\(requests == 1 ? "" : "s") at \(api.policy): \(least)")
        try confirm("send \(requests) \(what) requests for \(calls) devices?")
        let resolved = try connection.get()
        let progress = ProgressLine(enabled: !api.noProgress)
        let httpClient = try MDEHTTPClient.make(additionalCAFile: api.caFile)
        let client = MDEClient(
            endpoints: resolved.endpoints, credentials: resolved.credentials, rateLimit: api.policy,
            httpClient: httpClient)
        var engine = OutboxEngine(ledger: opened, client: client)
        let killSwitch = KillSwitch(environment: env)
        engine.checkpoint = { killSwitch.checkpoint() }
        let started = ContinuousClock.now
        let policy = api.policy
        let summary: OutboxRunSummary?
        do {
            summary = try await engine.run(request, preview: preview, holding: lock) { event in
                switch event {
                case .waiting(let text): progress.show(text)
                case .device(let done, let total):
                    let left = kind == .offboard ? total - done : (total - done + 499) / 500
                    let elapsed = (ContinuousClock.now - started).components.seconds
                    progress.show(
                        "\(done)/\(total) devices done, \(elapsed) s elapsed, ETA \(durationText(minimumDuration(calls: left + 1, policy: policy)))"
                    )
                }
            }
        } catch {
            progress.finish()
            try? await httpClient.shutdown()
            throw CLIFailure(message: "\(error); run the same command again to resume")
        }
        progress.finish()
        try? await httpClient.shutdown()
        if let summary { print(OutboxText.summary(summary), terminator: "") }
    }

    /// Asks on a terminal; off a terminal only `--yes` confirms.
    private func confirm(_ question: String) throws {
        if yes { return }
        guard isatty(STDIN_FILENO) == 1 else {
            throw CLIFailure(message: "not a terminal, so nothing was sent; pass --yes to confirm", code: 64)
        }
        FileHandle.standardError.write(Data("\(question) type yes to continue: ".utf8))
        guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
            throw CLIFailure(message: "not confirmed; nothing was sent")
        }
    }
}
