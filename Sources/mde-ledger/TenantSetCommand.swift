import ArgumentParser
import MDELedger

struct TenantSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change one setting of a tenant: a lifecycle threshold or a connection setting.",
        discussion: """
            Keys: offboard_grace_hours, stale_hours, inactive_days, retention_days, removal_days (whole numbers \
            from 1 to 3650), max_removal_percent (0 to 100, default 10: a complete snapshot that would remove more \
            of the present devices is refused), licenses.clients, licenses.servers (licences bought; unset means \
            reports compare nothing), license_window_days (days a seen device counts, 30), and tenant_id, \
            client_id, region, base_url, token_url. The value 'default' returns a \
            threshold to its documented default or clears a connection setting. Every change is recorded as an \
            event with the old and the new value, so reports made before and after can be told apart.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    @Argument(help: ArgumentHelp("The tenant.", valueName: "name"))
    var name: String

    @Argument(help: ArgumentHelp("The setting, e.g. retention_days.", valueName: "key"))
    var key: String

    @Argument(help: ArgumentHelp("The new value, or 'default'.", valueName: "value"))
    var value: String

    func run() throws {
        let old = try ledger.open().setTenant(name, key: key, value: value)
        print("tenant \(name): \(key) \(old) → \(value)")
    }
}
