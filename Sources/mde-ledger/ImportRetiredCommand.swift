import ArgumentParser
import Foundation
import MDELedger

struct ImportRetiredCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retired",
        abstract:
            "Import the retirement list from Intune, Entra or the asset system (CSV: device, retired_on[, note]).",
        discussion: """
            The device column may hold an MDE device id, an Entra aadDeviceId, or an exact DNS or host name; ids \
            are preferred. A name that matches several devices is refused with the candidate ids listed, because \
            offboarding the wrong device by a name match is the worst mistake such a list can cause. Dates are \
            YYYY-MM-DD, YYYY/MM/DD or YYYY年M月D日 (00:00 UTC) or ISO-8601 times. Intune's device export joins on \
            its 'Azure AD Device ID' column (its 'Device ID' is Intune's own id and is never used), Entra's \
            'Download devices' export on its 'deviceId' (never its 'objectId'); Japanese headers are read too \
            (docs/imports.md has the table). Neither export has a date column: give the day with --retired-on. An \
            Entra export is refused unless every device on it is disabled (filter it to Enabled: No before the \
            download). A bad row (no date, an unreadable date, a name matching several devices) refuses the whole \
            file with its line number; a row that matches no device is recorded as unmatched and reported, and \
            the rest is imported. Re-importing the same list records nothing new.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("The tenant (needed when the ledger has several).", valueName: "name"))
    var tenant: String?

    @Argument(help: ArgumentHelp("The retirement list.", valueName: "file.csv"))
    var file: String

    @Option(
        name: .customLong("retired-on"),
        help: ArgumentHelp(
            "The day every device in the file was retired, for a file without a date column (Intune's or Entra's "
                + "export): YYYY-MM-DD, YYYY/MM/DD or an ISO-8601 time. Refused for a file with a date column.",
            valueName: "date"))
    var retiredOn: String?

    @OptionGroup var limits: InputLimitOptions

    func validate() throws {
        if let retiredOn, case .failure(let problem) = Ledger.retirementDate(retiredOn) {
            throw ValidationError(problem.description)
        }
    }

    func run() throws {
        let opened = try ledger.open()
        let summary = try opened.importRetirements(
            path: file, tenant: TenantSelection(name: tenant), limits: limits.inputLimits, retiredOn: retiredOn)
        ledger.keepAnswers(opened)
        print(
            "import run \(summary.run) for tenant \(summary.tenant): \(summary.rows) retirements read, "
                + "\(summary.recorded) recorded, \(summary.unchanged) unchanged; "
                + "lifecycle: \(summary.lifecycleTransitions) transitions"
                + (summary.unmatched.isEmpty ? "" : "; \(summary.unmatched.count) unmatched (recorded, not retired)"))
        for line in summary.unmatched { printError("warning: \(file) \(line)") }
    }
}
