import ArgumentParser
import Foundation
import MDELedger

struct TenantAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a tenant with its ids, API endpoints and thresholds.",
        discussion: """
            --tenant-id and --client-id are what sync uses to get a token (a tenant fed only by imports needs \
            neither). --cloud picks the Microsoft cloud (public, gcc, gcc-high, dod: its API host, login host and \
            token scope); --region picks a regional API host of the commercial cloud (us, eu, uk, au, swa, ina, \
            aea); --base-url and --token-url override them (a private endpoint, the simulator), --scope the token \
            scope (see docs/credentials.md for the clouds whose scope Microsoft does not document). Thresholds not given keep their documented \
            defaults. The secret is never a flag: export AZURE_CLIENT_SECRET_<NAME>. The ledger is created on first \
            use, and the addition is recorded as an event.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    @Argument(help: ArgumentHelp("The tenant's name in this ledger, e.g. contoso-eu.", valueName: "name"))
    var name: String

    @Option(name: .customLong("tenant-id"), help: ArgumentHelp("The Entra tenant id.", valueName: "id"))
    var tenantId: String?

    @Option(name: .customLong("client-id"), help: ArgumentHelp("The app registration's client id.", valueName: "id"))
    var clientId: String?

    @Option(
        help: ArgumentHelp(
            "The Microsoft cloud: public (the default), gcc, gcc-high or dod.", valueName: "cloud"))
    var cloud: String?

    @Option(
        help: ArgumentHelp(
            "A regional API host of the commercial cloud: us, eu, uk, au, swa, ina or aea.", valueName: "region"))
    var region: String?

    @Option(help: ArgumentHelp("The token scope, replacing the cloud's (ends in /.default).", valueName: "scope"))
    var scope: String?

    @Option(name: .customLong("base-url"), help: ArgumentHelp("The MDE API base URL.", valueName: "url"))
    var baseURL: String?

    @Option(name: .customLong("token-url"), help: ArgumentHelp("The OAuth2 token endpoint.", valueName: "url"))
    var tokenURL: String?

    @Option(
        name: .customLong("offboard-grace-hours"),
        help: ArgumentHelp("Hours lastSeen may advance after an offboard (24).", valueName: "hours"))
    var offboardGraceHours: String?

    @Option(
        name: .customLong("stale-hours"),
        help: ArgumentHelp("Hours without a report before a device is stale (48).", valueName: "hours"))
    var staleHours: String?

    @Option(
        name: .customLong("inactive-days"),
        help: ArgumentHelp("Days without a report before a device is inactive (7).", valueName: "days"))
    var inactiveDays: String?

    @Option(
        name: .customLong("retention-days"),
        help: ArgumentHelp("The tenant's data retention in days (180).", valueName: "days"))
    var retentionDays: String?

    @Option(
        name: .customLong("removal-days"),
        help: ArgumentHelp("Days after retention before the profile leaves the list (180).", valueName: "days"))
    var removalDays: String?

    func run() throws {
        var settings: [String: String] = [:]
        let given = [
            ("offboard_grace_hours", offboardGraceHours), ("stale_hours", staleHours), ("inactive_days", inactiveDays),
            ("retention_days", retentionDays), ("removal_days", removalDays),
        ]
        for case let (key, value?) in given { settings[key] = value }
        let new = NewTenant(
            name: name, tenantId: tenantId, clientId: clientId,
            api: TenantAPISettings(
                region: region, baseURL: baseURL, tokenURL: tokenURL, cloud: cloud, scope: scope),
            settings: settings)
        let opened = try ledger.open(create: true)
        let record = try opened.addTenant(new)
        ledger.keepAnswers(opened)
        let variables = TenantSecrets.variables(for: record.name)
        print("tenant \(record.name) added")
        print("  secret: \(variables.secret) or \(variables.file), else AZURE_CLIENT_SECRET")
    }
}
