import ArgumentParser
import Foundation
import MDELedger

struct ImportRetiredCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retired",
        abstract: "Import the retirement list from Intune or the asset system (CSV: device, retired_on[, note]).",
        discussion: """
            The device column may hold an MDE device id, an Entra aadDeviceId, or an exact DNS or host name; ids \
            are preferred. A name that matches several devices is refused with the candidate ids listed, because \
            offboarding the wrong device by a name match is the worst mistake such a list can cause. Dates are \
            YYYY-MM-DD or YYYY/MM/DD (00:00 UTC) or ISO-8601 times. In Intune's device export the join key is its \
            'Azure AD Device ID' column (its 'Device ID' is Intune's own id), which is used when present. A bad row \
            (no date, an unreadable date, a name matching several devices) refuses the whole file with its line \
            number; a row that matches no device is recorded as unmatched and reported, and the rest is imported. \
            Re-importing the same list records nothing new.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("The tenant (needed when the ledger has several).", valueName: "name"))
    var tenant: String?

    @Argument(help: ArgumentHelp("The retirement list.", valueName: "file.csv"))
    var file: String

    @OptionGroup var limits: InputLimitOptions

    func run() throws {
        let opened = try ledger.open()
        let summary = try opened.importRetirements(
            path: file, tenant: TenantSelection(name: tenant), limits: limits.inputLimits)
        print(
            "import run \(summary.run) for tenant \(summary.tenant): \(summary.rows) retirements read, "
                + "\(summary.recorded) recorded, \(summary.unchanged) unchanged; "
                + "lifecycle: \(summary.lifecycleTransitions) transitions"
                + (summary.unmatched.isEmpty ? "" : "; \(summary.unmatched.count) unmatched (recorded, not retired)"))
        for line in summary.unmatched { printError("warning: \(file) \(line)") }
    }
}
