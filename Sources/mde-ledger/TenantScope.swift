import ArgumentParser
import MDEAPI
import MDELedger

/// `--tenant NAME` / `--all-tenants` for commands that read the ledger.
struct TenantScope: ParsableArguments {
    @Option(help: ArgumentHelp("The tenant (needed when the ledger has several).", valueName: "name"))
    var tenant: String?

    @Flag(name: .customLong("all-tenants"), help: "Every tenant in the ledger, with the tenant as a column.")
    var allTenants = false

    func validate() throws {
        if tenant != nil && allTenants { throw ValidationError("pass --tenant NAME or --all-tenants, not both") }
    }

    /// The tenant to answer for, or nil for all tenants.
    func resolve(_ ledger: Ledger) throws -> TenantRecord? {
        allTenants ? nil : try ledger.resolveTenant(TenantSelection(name: tenant), create: false)
    }
}

/// Parses `--as-of`: a date (00:00 UTC that day) or an ISO-8601 time, to canonical UTC text.
func parseAsOf(_ text: String?) throws -> String? {
    guard let text else { return nil }
    guard let date = UTCTime.parse(text) else {
        throw ValidationError(
            "--as-of \(ErrorText.quoted(text)) is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")
    }
    return UTCTime.format(date)
}
