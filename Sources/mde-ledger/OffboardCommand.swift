import ArgumentParser
import Foundation
import MDEAPI
import MDELedger

struct OffboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offboard",
        abstract: "Offboard devices through the MDE API: planned, dry run first, resumable, never twice, audited.",
        discussion: """
            Selects devices (--retired: retired-not-offboarded or retired-still-reporting as of the latest sync; \
            --device: ids or exact names; --from-file: one id or name per line, or a CSV with a device column; \
            --state offboard-failed with --retry-failed), lists the devices it skips and why (an Offboard action \
            already Pending, InProgress or Succeeded, or cancelled by a person; a platform the API does not \
            offboard, with the step that fits it; not onboarded; removed; an ambiguous name), then sends one \
            offboard request per device within the API's limits.

            Safeguards: a plan is refused when the latest snapshot is older than --max-snapshot-age hours, or when it \
            holds more devices than the tenant's max_offboard_per_run (100 unless 'tenant set'), unless \
            --allow-large-plan or an approved plan file. '--dry-run --plan-out PLAN.json' writes the plan for \
            approval; '--plan PLAN.json' sends exactly its devices or refuses (its head is not in this ledger, it is \
            older than --max-plan-age hours, or a device changed). Right before each request the device is read \
            live (GET /api/machines/{id}, which needs Machine.Read.All) and skipped if it is no longer onboarded, \
            on the same platform, or named as the plan shows.

            --dry-run sends nothing and records only an event. A real run asks for confirmation on a terminal and \
            needs --yes otherwise. Every plan and step is an event in the ledger; a run killed at any moment \
            resumes when run again with the same arguments, reconciling requests whose answer was lost, and never \
            sends a device a second request. Exit 3: requests are still open (no answer yet); run again. \
            'offboard --status [PLAN]' shows the plans and where each device stands.

            '--record-manual DEVICE --evidence TEXT [--offboarded-at TIME]' records an offboarding done without \
            the API (the portal's offboarding script on macOS or Linux, a local script on Windows): it sends \
            nothing, and the lifecycle judges the device as for an Offboard action that succeeded at that time.
            """
    )

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var api: APIOptions

    @Flag(help: "Select the devices retired in the ledger and not offboarded, as of the latest sync.")
    var retired = false

    @Option(
        name: .customLong("list"),
        help: ArgumentHelp(
            "With --retired: only retirements from this list (its file, file name or SHA-256).", valueName: "list"))
    var list: String?

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp("Device ids or exact names (a name must match exactly one device).", valueName: "device"))
    var device: [String] = []

    @Option(
        name: .customLong("from-file"),
        help: ArgumentHelp(
            "A file with one device id or name per line, or a CSV with a device column.", valueName: "file"))
    var fromFile: String?

    @Option(
        help: ArgumentHelp(
            "Select the devices in this state (offboard-failed, with --retry-failed).", valueName: "state"))
    var state: String?

    @Flag(name: .customLong("retry-failed"), help: "Send again to devices whose offboarding failed or was rejected.")
    var retryFailed = false

    @Option(
        help: ArgumentHelp(
            "The reason MDE records with each request (required), e.g. a change number.", valueName: "text"))
    var comment: String?

    @Flag(name: .customLong("dry-run"), help: "Show what would be sent and skipped; send nothing.")
    var dryRun = false

    @Flag(help: "Send without asking for confirmation (needed off a terminal).")
    var yes = false

    @Option(
        name: .customLong("requested-by"),
        help: ArgumentHelp(
            "The person asking, recorded in the plan, its event and the Comment sent to MDE (default: $USER; "
                + "required when $USER is empty, root, runner or system).", valueName: "name"))
    var requestedBy: String?

    @Flag(
        name: .customLong("include-cancelled"),
        help: "With --retry-failed: also send to devices whose Offboard action a person cancelled.")
    var includeCancelled = false

    @Option(
        name: .customLong("plan-out"),
        help: ArgumentHelp(
            "With --dry-run: write the plan for approval (devices, provenance, head, SHA-256).",
            valueName: "plan.json"))
    var planOut: String?

    @Option(
        name: .customLong("plan"),
        help: ArgumentHelp(
            "Send exactly the devices of an approved plan file, or refuse with the reason.", valueName: "plan.json"))
    var planFile: String?

    @Flag(
        name: .customLong("allow-large-plan"),
        help: "Send a selection larger than the tenant's max_offboard_per_run (default 100).")
    var allowLargePlan = false

    @Option(
        name: .customLong("max-snapshot-age"),
        help: ArgumentHelp(
            "Refuse to plan from a snapshot taken more than this many hours ago (0: no limit).",
            valueName: "hours"))
    var maxSnapshotAge: Double = 24

    @Option(
        name: .customLong("max-plan-age"),
        help: ArgumentHelp(
            "Refuse a --plan file made more than this many hours ago (0: no limit).",
            valueName: "hours"))
    var maxPlanAge: Double = 24

    @Option(
        name: .customLong("record-manual"),
        help: ArgumentHelp(
            "Record an offboarding done without the API (the portal's script on macOS or Linux) for this device; "
                + "sends nothing.", valueName: "device"))
    var recordManual: String?

    @Option(
        help: ArgumentHelp(
            "With --record-manual (required): how it was done and what shows it, e.g. a ticket.", valueName: "text"))
    var evidence: String?

    @Option(
        name: .customLong("offboarded-at"),
        help: ArgumentHelp(
            "With --record-manual: when it was done, UTC (2026-11-20T09:30:00Z or 2026-11-20; default: now).",
            valueName: "time"))
    var offboardedAt: String?

    @Flag(help: "Show the plans, or with PLAN where each of its devices stands.")
    var status = false

    @Argument(help: ArgumentHelp("A plan number (with --status).", valueName: "plan"))
    var plan: Int64?

    func validate() throws {
        let selections = [retired, !device.isEmpty, fromFile != nil, state != nil].filter { $0 }.count
        if status {
            guard selections == 0, comment == nil, !dryRun, planFile == nil else {
                throw ValidationError("--status takes only an optional plan number")
            }
            return
        }
        if plan != nil {
            throw ValidationError("a plan number goes with --status; to resume a plan run the same command again")
        }
        if recordManual != nil || evidence != nil || offboardedAt != nil {
            try validateManual(selections: selections)
            return
        }
        guard maxSnapshotAge >= 0, maxPlanAge >= 0 else {
            throw ValidationError("--max-snapshot-age and --max-plan-age take hours, 0 or more")
        }
        if planFile != nil {
            guard selections == 0, comment == nil, planOut == nil, !dryRun else {
                throw ValidationError(
                    "--plan sends an approved plan as it is: it takes no selection, --comment, --dry-run or --plan-out")
            }
            return
        }
        guard selections == 1 else {
            throw ValidationError("choose the devices with one of --retired, --device, --from-file or --state")
        }
        if planOut != nil && !dryRun { throw ValidationError("--plan-out goes with --dry-run") }
        if let state {
            guard state == DeviceState.offboardFailed.rawValue else {
                throw ValidationError("--state takes offboard-failed here; use --retired or --device for other devices")
            }
            guard retryFailed else { throw ValidationError("--state offboard-failed needs --retry-failed") }
        }
        if list != nil && !retired { throw ValidationError("--list goes with --retired") }
        if includeCancelled && !retryFailed {
            throw ValidationError("--include-cancelled goes with --retry-failed")
        }
        guard let comment, !comment.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError(
                "--comment is required: MDE records it with each request (e.g. \"Retired per CHG-1234\")")
        }
        if let requestedBy, requestedBy.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--requested-by must name a person")
        }
    }

    private func validateManual(selections: Int) throws {
        guard recordManual != nil else {
            throw ValidationError("--evidence and --offboarded-at go with --record-manual")
        }
        guard selections == 0, comment == nil, !dryRun, planFile == nil, planOut == nil, !retryFailed else {
            throw ValidationError(
                "--record-manual records one offboarding done elsewhere; it takes no selection, --comment, --dry-run "
                    + "or plan")
        }
        guard let evidence, !evidence.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError(
                "--evidence is required with --record-manual: how the device was offboarded and what shows it "
                    + "(e.g. \"offboarding script run by IT, ticket INC-88\")")
        }
    }

    /// A list file that exists is named by its SHA-256 (the exact list); anything else is a file name or hash.
    static func listKey(_ list: String) throws -> String {
        guard FileManager.default.fileExists(atPath: list) else { return list }
        guard let data = FileManager.default.contents(atPath: list) else {
            throw CLIFailure(message: "cannot read \(list); check the path", code: 64)
        }
        return RetirementEntry.listSHA256(of: data)
    }

    func run() async throws {
        if status {
            try OffboardStatus.print(ledger: ledger.open(readOnly: true), plan: plan)
            return
        }
        if let recordManual {
            let person = try Requester.resolve(requestedBy, env: ProcessInfo.processInfo.environment, required: true)
            let opened = try ledger.open()
            let recorded = try opened.recordManualOffboard(
                device: recordManual, evidence: evidence ?? "", offboardedAt: offboardedAt, by: person,
                tenant: TenantSelection(name: api.tenant))
            ledger.keepAnswers(opened)
            print(
                ErrorText.display(
                    "run \(recorded.run) for tenant \(recorded.tenant): recorded \(recorded.actionId), the offboarding of "
                        + "\(recorded.machineId) (\(recorded.computerDnsName ?? "-")) at \(recorded.offboardedAt) by "
                        + "\(person): \(recorded.evidence)"))
            print(
                "the lifecycle judges it as a succeeded Offboard action from that time: offboarded once the grace "
                    + "period passes without telemetry, offboarded-still-reporting if it reports later; "
                    + "'mde-ledger status \(recorded.machineId)' shows it")
            return
        }
        let safety = OffboardSafety(
            includeCancelled: includeCancelled, retiredList: try list.map(Self.listKey), planOut: planOut,
            planFile: planFile, allowLargePlan: allowLargePlan,
            maxSnapshotAge: maxSnapshotAge, maxPlanAge: maxPlanAge)
        if planFile != nil {
            try await OutboxCLI(ledger: ledger, api: api, dryRun: false, yes: yes).run(
                kind: .offboard, selection: .retired, comment: nil, tag: nil, retryFailed: false,
                requestedBy: requestedBy, safety: safety)
            return
        }
        let selection: DeviceSelection
        if retired {
            selection = .retired
        } else if state != nil {
            selection = .state(.offboardFailed)
        } else {
            selection = try OutboxCLI.deviceSelection(device: device, fromFile: fromFile)
        }
        try await OutboxCLI(ledger: ledger, api: api, dryRun: dryRun, yes: yes).run(
            kind: .offboard, selection: selection, comment: comment, tag: nil, retryFailed: retryFailed,
            requestedBy: requestedBy, safety: safety)
    }
}
