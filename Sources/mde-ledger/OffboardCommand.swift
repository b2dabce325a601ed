import ArgumentParser
import Foundation
import MDELedger

struct OffboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offboard",
        abstract: "Offboard devices through the MDE API: planned, dry run first, resumable, never twice, audited.",
        discussion: """
            Selects devices (--retired: retired-not-offboarded or retired-still-reporting as of the latest sync; \
            --device: ids or exact names; --from-file: one id or name per line, or a CSV with a device column; \
            --state offboard-failed with --retry-failed), lists the devices it skips and why (an Offboard action \
            already Pending, InProgress or Succeeded; macOS or Linux, which the API cannot offboard; not onboarded; \
            removed; an ambiguous name), then sends one offboard request per device within the API's limits.

            --dry-run sends nothing and records only an event. A real run asks for confirmation on a terminal and \
            needs --yes otherwise. Every plan and step is an event in the ledger; a run killed at any moment \
            resumes when run again with the same arguments, reconciling requests whose answer was lost, and never \
            sends a device a second request. 'offboard --status [PLAN]' shows the plans and where each device \
            stands. macOS and Linux devices are offboarded with the offboarding script from the portal (Settings \
            → Endpoints → Offboarding).
            """
    )

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var api: APIOptions

    @Flag(help: "Select the devices retired in the ledger and not offboarded, as of the latest sync.")
    var retired = false

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
        help: ArgumentHelp("The person asking, recorded with the plan (default: $USER).", valueName: "name"))
    var requestedBy: String?

    @Flag(help: "Show the plans, or with PLAN where each of its devices stands.")
    var status = false

    @Argument(help: ArgumentHelp("A plan number (with --status).", valueName: "plan"))
    var plan: Int64?

    func validate() throws {
        let selections = [retired, !device.isEmpty, fromFile != nil, state != nil].filter { $0 }.count
        if status {
            guard selections == 0, comment == nil, !dryRun else {
                throw ValidationError("--status takes only an optional plan number")
            }
            return
        }
        if plan != nil {
            throw ValidationError("a plan number goes with --status; to resume a plan run the same command again")
        }
        guard selections == 1 else {
            throw ValidationError("choose the devices with one of --retired, --device, --from-file or --state")
        }
        if let state {
            guard state == DeviceState.offboardFailed.rawValue else {
                throw ValidationError("--state takes offboard-failed here; use --retired or --device for other devices")
            }
            guard retryFailed else { throw ValidationError("--state offboard-failed needs --retry-failed") }
        }
        guard let comment, !comment.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError(
                "--comment is required: MDE records it with each request (e.g. \"Retired per CHG-1234\")")
        }
        if let requestedBy, requestedBy.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--requested-by must name a person")
        }
    }

    func run() async throws {
        if status {
            try OffboardStatus.print(ledger: ledger.open(readOnly: true), plan: plan)
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
            requestedBy: requestedBy)
    }
}
