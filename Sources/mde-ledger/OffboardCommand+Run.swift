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
        requestedBy: String?, safety: OffboardSafety = OffboardSafety()
    ) async throws {
        // Lock before reading the selection: no other run may send or sync while this plan is made and sent.
        let lock = try LedgerLock.acquire(ledgerPath: try ledger.path, purpose: kind == .offboard ? "offboard" : "tag")
        let opened = try ledger.open()
        let env = ProcessInfo.processInfo.environment
        let connection = Result { try TenantConnection.resolve(ledger: opened, options: api, env: env) }
        // A dry run needs no credentials: it records the client id when it is known.
        let clientId =
            (try? connection.get().credentials.clientId).flatMap { $0.isEmpty ? nil : $0 }
            ?? (try? opened.resolveTenant(TenantSelection(name: api.tenant), create: false).clientId) ?? nil
        let approved = try safety.planFile.map(Self.readPlan)
        var request = OutboxRequest(
            kind: kind, tenant: approved?.tenant ?? api.tenant, selection: selection, comment: comment, tag: tag,
            retryFailed: retryFailed, includeCancelled: safety.includeCancelled, retiredList: safety.retiredList,
            requestedBy: try approved?.requestedBy
                ?? Requester.resolve(requestedBy, env: env, required: kind == .offboard),
            clientId: clientId ?? "unknown",
            apiBaseURL: (try? connection.get().endpoints.baseURL.absoluteString) ?? "unknown")
        if let approved {
            guard let planned = DeviceSelection(json: approved.selection) else {
                throw CLIFailure(message: "\(safety.planFile!): the plan's selection cannot be read; make a new plan")
            }
            request.selection = planned
            request.comment = approved.comment
            request.retryFailed = approved.selection["retry_failed"] == .bool(true)
            request.includeCancelled = approved.selection["include_cancelled"] == .bool(true)
            request.retiredList = approved.selection["list"]?.stringValue
        }
        let preview = try opened.previewOutbox(request)
        let what = kind == .offboard ? "offboard" : "tag \(kind == .tagAdd ? "add" : "remove") \(tag ?? "")"
        do {
            if kind == .offboard {
                try checkSafety(safety, approved: approved, opened, request, preview)
            }
        } catch let refusal as PlanRefusal {
            print(OutboxText.preview(preview, what: what, listSelected: dryRun))
            throw CLIFailure(message: refusal.description, code: 64)
        }
        if dryRun {
            print(OutboxText.preview(preview, what: what, listSelected: true))
            try opened.recordDryRun(request, preview)
            if let out = safety.planOut {
                let document = preview.document(request, createdAt: opened.clock.nowText())
                do {
                    try document.fileText().write(toFile: out, atomically: true, encoding: .utf8)
                } catch {
                    throw CLIFailure(message: "cannot write \(out): \(error.localizedDescription); check the path")
                }
                print("plan written to \(out): \(document.devices.count) devices, sha256 \(document.sha256)")
                print("approve it, then send exactly it: mde-ledger offboard --plan \(out)")
            }
            print("dry run: nothing sent; recorded as an outbox_dry_run event")
            return
        }
        print(OutboxText.preview(preview, what: what, listSelected: approved != nil))
        let open = try preview.resumablePlan.map { try opened.outboxSteps($0).filter(\.step.isOpen).count }
        let calls = open ?? preview.selected.count
        guard calls > 0 else {
            print("nothing to send")
            return
        }
        // Offboarding reads each device live before its request: two calls per device within the same limits.
        let requests =
            kind == .offboard
            ? calls * 2 : (calls + MDEClient.maxMachinesPerTagCall - 1) / MDEClient.maxMachinesPerTagCall
        if let plan = preview.resumablePlan { print("resuming plan \(plan): \(calls) devices still open") }
        if let approved { print("approved plan \(approved.sha256): \(approved.devices.count) devices") }
        let seconds = OutboxPace.minimumDuration(calls: requests, policy: api.policy)
        let least = seconds < 60 ? "under a minute" : "at least \(OutboxPace.durationText(seconds))"
        print("\(requests) API request\(requests == 1 ? "" : "s") at \(api.policy): \(least)")
        // The document shown for confirmation is the one stored with the plan: the hash a person approves is the
        // hash the ledger keeps.
        let document =
            kind == .offboard && preview.resumablePlan == nil
            ? approved ?? preview.document(request, createdAt: opened.clock.nowText()) : nil
        try confirm(
            "send \(kind == .offboard ? calls : requests) \(what) requests for \(calls) devices"
                + (document.map { " (plan sha256 \($0.sha256))" } ?? "") + "?",
            devices: approved == nil ? preview.selected : [])
        let resolved = try connection.get()
        let httpClient = try api.httpClient(environment: env)
        let client = MDEClient(
            endpoints: resolved.endpoints, credentials: resolved.credentials, rateLimit: api.policy,
            httpClient: httpClient, retryPolicy: api.retryPolicy)
        var engine = OutboxEngine(ledger: opened, client: client)
        let killSwitch = KillSwitch(environment: env)
        engine.checkpoint = { killSwitch.checkpoint() }
        let progress = OutboxProgressText(
            line: ProgressLine(enabled: !api.noProgress), policy: api.policy, callsPerDevice: kind == .offboard ? 2 : 1,
            interval: .seconds(env["MDE_LEDGER_TEST_PROGRESS_SECONDS"].flatMap(Double.init) ?? 30))
        let interrupt = InterruptNotice(progress: progress)
        let summary: OutboxRunSummary?
        do {
            summary = try await engine.run(request, preview: preview, holding: lock, approved: document) { event in
                progress.handle(event)
            }
        } catch {
            progress.finish()
            try? await httpClient.shutdown()
            throw CLIFailure(message: "\(error); run the same command again to resume")
        }
        interrupt.cancel()
        progress.finish()
        try? await httpClient.shutdown()
        ledger.keepAnswers(opened)
        guard let summary else { return }
        print(OutboxText.summary(summary), terminator: "")
        let stillOpen = summary.devices.filter(\.step.isOpen)
        if !stillOpen.isEmpty {
            let lines = stillOpen.map { "  " + OutboxText.line($0) }.joined(separator: "\n")
            throw CLIFailure(
                message: "\(stillOpen.count) request(s) still open; run the same command again to reconcile and "
                    + "finish them:\n\(lines)", code: 3)
        }
    }

    /// Asks on a terminal, after listing the devices a page at a time; off a terminal only `--yes` confirms.
    private func confirm(_ question: String, devices: [PlannedDevice]) throws {
        if yes { return }
        guard isatty(STDIN_FILENO) == 1 else {
            throw CLIFailure(message: "not a terminal, so nothing was sent; pass --yes to confirm", code: 64)
        }
        let page = 20
        for start in stride(from: 0, to: devices.count, by: page) {
            for d in devices[start..<min(devices.count, start + page)] {
                print(ErrorText.display("  \(d.id)  \(d.computerDnsName ?? "-")  \(d.osPlatform ?? "-")  \(d.reason)"))
            }
            if start + page < devices.count {
                FileHandle.standardError.write(
                    Data("-- \(start + page) of \(devices.count) shown; Enter for more, q to stop listing: ".utf8))
                if readLine()?.lowercased().hasPrefix("q") == true { break }
            }
        }
        FileHandle.standardError.write(Data("\(question) type yes to continue: ".utf8))
        guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
            throw CLIFailure(message: "not confirmed; nothing was sent")
        }
    }
}
