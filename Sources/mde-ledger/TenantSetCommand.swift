import ArgumentParser
import Foundation
import MDEAPI
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

            Answers about a time keep the values in force then: a change applies to as-of times from now on. \
            --effective DATE makes it apply from an earlier time (e.g. licences bought at the start of the \
            month); the event records both when it takes effect and when it was made.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    @Argument(help: ArgumentHelp("The tenant.", valueName: "name"))
    var name: String

    @Argument(help: ArgumentHelp("The setting, e.g. retention_days.", valueName: "key"))
    var key: String

    @Argument(help: ArgumentHelp("The new value, or 'default'.", valueName: "value"))
    var value: String

    @Option(
        help: ArgumentHelp(
            "Apply the value to as-of times from this date or time on (default: now).", valueName: "date"))
    var effective: String?

    func validate() throws {
        guard let effective else { return }
        guard let date = UTCTime.parse(effective) else {
            throw ValidationError(
                "--effective \(ErrorText.quoted(effective)) is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")
        }
        if date > TestClock.ledger.now() {
            throw ValidationError(
                "--effective \(UTCTime.format(date)) is in the future; omit it to apply the value from now")
        }
    }

    func run() throws {
        let when = effective.flatMap(UTCTime.parse).map(UTCTime.format)
        let opened = try ledger.open()
        let old = try opened.setTenant(name, key: key, value: value, effectiveAt: when)
        ledger.keepAnswers(opened)
        print("tenant \(name): \(key) \(old) → \(value)" + (when.map { " (in force from \($0))" } ?? ""))
    }
}
