import ArgumentParser
import Foundation
import MDELedger

struct TagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Add or remove a machine tag through the MDE API, planned and recorded like offboarding.",
        discussion: """
            Uses AddOrRemoveTagForMultipleMachines (at most 500 devices per call) through the same outbox, events \
            and rate limiter as 'offboard', so retired devices can be marked in the portal before they are \
            offboarded. Devices that already carry the tag (add) or do not (remove) are skipped, so a rerun sends \
            nothing.
            """,
        subcommands: [TagAddCommand.self, TagRemoveCommand.self]
    )
}

/// What `tag add` and `tag remove` share.
struct TagOptions: ParsableArguments {
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var api: APIOptions

    @Argument(help: ArgumentHelp("The tag.", valueName: "tag"))
    var tag: String

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp("Device ids or exact names (a name must match exactly one device).", valueName: "device"))
    var device: [String] = []

    @Option(
        name: .customLong("from-file"),
        help: ArgumentHelp(
            "A file with one device id or name per line, or a CSV with a device column.", valueName: "file"))
    var fromFile: String?

    @Option(help: ArgumentHelp("Select the devices in this lifecycle state as of the latest sync.", valueName: "state"))
    var state: String?

    @Flag(name: .customLong("dry-run"), help: "Show what would be sent and skipped; send nothing.")
    var dryRun = false

    @Flag(help: "Send without asking for confirmation (needed off a terminal).")
    var yes = false

    @Option(
        name: .customLong("requested-by"),
        help: ArgumentHelp("The person asking, recorded with the plan (default: $USER).", valueName: "name"))
    var requestedBy: String?

    func validate() throws {
        guard [!device.isEmpty, fromFile != nil, state != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("choose the devices with one of --device, --from-file or --state")
        }
        if let state, DeviceState(rawValue: state) == nil {
            throw ValidationError(
                "unknown state '\(state)'; use one of: \(DeviceState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard !tag.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("the tag must not be empty")
        }
    }

    func run(add: Bool) async throws {
        let selection =
            try state.flatMap(DeviceState.init(rawValue:)).map(DeviceSelection.state)
            ?? OutboxCLI.deviceSelection(device: device, fromFile: fromFile)
        try await OutboxCLI(ledger: ledger, api: api, dryRun: dryRun, yes: yes).run(
            kind: add ? .tagAdd : .tagRemove, selection: selection, comment: nil, tag: tag, retryFailed: false,
            requestedBy: requestedBy)
    }
}

struct TagAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a tag to the selected devices.")

    @OptionGroup var options: TagOptions

    func run() async throws { try await options.run(add: true) }
}

struct TagRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a tag from the selected devices.")

    @OptionGroup var options: TagOptions

    func run() async throws { try await options.run(add: false) }
}
