import ArgumentParser
import Foundation
import MDELedger

/// `mde-ledger import …`: offline data into the ledger, one subcommand per kind of file.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import API responses or portal exports captured elsewhere (no API credentials needed).",
        discussion: """
            For auditors without API access: an admin copies responses out of the Defender portal's API Explorer \
            or exports the device inventory to CSV, and the files are imported here. Each import is one run of \
            kind 'import', atomic like a sync: a file with any problem is reported with its line or item and the \
            ledger is left unchanged.
            """,
        subcommands: [ImportMachinesCommand.self, ImportActionsCommand.self, ImportRetiredCommand.self]
    )
}

/// The options `import machines` and `import actions` share.
struct ImportRunOptions: ParsableArguments {
    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("The tenant (needed when the ledger has several).", valueName: "name"))
    var tenant: String?

    @Option(
        name: .customLong("observed-at"),
        help: ArgumentHelp(
            "When the files were captured: ISO-8601 (2026-05-09T10:00:00Z) or a date (00:00 UTC). Default: now.",
            valueName: "time"))
    var observedAt: String?

    @Argument(help: ArgumentHelp("The files: API JSON responses or the portal's CSV export.", valueName: "file"))
    var files: [String]

    @OptionGroup var limits: InputLimitOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one file to import") }
        if let observedAt {
            do { _ = try ObservedAt.parse(observedAt, now: TestClock.ledger.now()) } catch let error as ImportError {
                throw ValidationError(error.description)
            }
        }
    }

    /// Reads every file, then opens (or creates) the ledger and commits them as one run; prints what it did.
    func run(_ kind: ImportKind, complete: Bool, allowMassRemoval: Bool = false) async throws {
        var importer = SnapshotImporter(
            kind: kind, paths: files, observedAt: observedAt, complete: complete,
            tenant: TenantSelection(name: tenant))
        importer.allowMassRemoval = allowMassRemoval
        importer.limits = limits.inputLimits
        // Read and check every file before the ledger is even opened: a bad file changes nothing, not even by
        // creating an empty ledger.
        let batch = try importer.load()
        let opened = try ledger.open(create: true)
        let outcome = try await importer.commit(batch, to: opened)
        ledger.keepAnswers(opened)
        print(outcome.summary.text.split(separator: "\n").filter { !$0.hasPrefix("  api:") }.joined(separator: "\n"))
        for file in outcome.files {
            print("  file: \(file.path) (\(file.format), \(kind.count(file.items)), sha256 \(file.sha256))")
        }
        switch outcome.observedAtSource {
        case .option: print("  observed at: \(outcome.summary.observedAt) (--observed-at)")
        case .file: print("  observed at: \(outcome.summary.observedAt) (the files' capture time)")
        case .clock:
            print(
                "  observed at: \(outcome.summary.observedAt) (now: the files carry no capture time; "
                    + "pass --observed-at for older files)")
        }
        if kind == .machines && !complete {
            print("  partial: devices missing from the files are not marked removed (--complete says they are all)")
        }
        for warning in outcome.summary.warnings { printError("warning: \(warning)") }
    }
}

struct ImportMachinesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "machines",
        abstract: "Import machines: GET /api/machines responses or the portal's device inventory CSV export.",
        discussion: """
            JSON: a list response {"@odata.context": …, "value": [...]}, a bare array, or one machine object \
            (as the API Explorer shows a single GET). CSV: the portal's export (Assets → Devices → Export); \
            headers are matched ignoring case and spaces, extra columns are ignored and missing optional ones \
            tolerated, but a device id column ('Device ID', 'Machine ID', 'DeviceId' or 'id') is required. UI \
            spellings become API values ("Can be onboarded" → CanBeOnboarded, "Impaired communications" → \
            ImpairedCommunication); the original row is kept in the ledger. Dates: ISO-8601, '2026-05-09 \
            10:00:00', '5/9/2026 10:00 AM' (day first when the file shows it, e.g. 13/5/2026), '9.5.2026', \
            'May 9, 2026'; a time without a zone is UTC. The format is detected from the content.

            An import is partial: it never marks devices removed. Pass --complete when the files hold the whole \
            tenant (a full export), so devices missing from them are recorded as removed, as a sync would. \
            A run older than the tenant's latest run is refused: import files in the order they were captured.
            """
    )

    @OptionGroup var options: ImportRunOptions

    @Flag(help: "The files are the whole tenant: devices missing from them are marked removed.")
    var complete = false

    @Flag(
        name: .customLong("allow-mass-removal"),
        help: "With --complete: commit even if more than the tenant's max_removal_percent of devices would be removed.")
    var allowMassRemoval = false

    func run() async throws {
        try await options.run(.machines, complete: complete, allowMassRemoval: allowMassRemoval)
    }
}

struct ImportActionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions",
        abstract: "Import machine actions: GET /api/machineactions responses (JSON).",
        discussion: """
            Accepts a list response {"value": [...]}, a bare array, or one action object; both spellings of the \
            last-update field (lastUpdateDateTimeUtc, lastUpdateTimeUtc) are read. Offboard actions and their \
            statuses feed the lifecycle exactly as a sync's do.
            """
    )

    @OptionGroup var options: ImportRunOptions

    func run() async throws {
        try await options.run(.actions, complete: false)
    }
}

/// `--max-file-mb`: the size limit of an imported file (fields are limited to 64 KB).
struct InputLimitOptions: ParsableArguments {
    @Option(
        name: .customLong("max-file-mb"),
        help: ArgumentHelp("The largest file accepted, in MB (default 256).", valueName: "n"))
    var maxFileMB = 256

    func validate() throws {
        guard (1...4096).contains(maxFileMB) else { throw ValidationError("--max-file-mb must be 1…4096") }
    }

    var inputLimits: InputLimits { InputLimits(maxFileBytes: maxFileMB << 20) }
}
