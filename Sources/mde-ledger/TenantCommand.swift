import ArgumentParser
import Foundation
import MDELedger

/// `mde-ledger tenant …`: the tenants one ledger follows, and their settings.
struct TenantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Add, list and configure the MDE tenants one ledger follows.",
        discussion: """
            Each tenant has its own Entra tenant id and client id, API region or base URL, and lifecycle \
            thresholds (offboard grace, stale, inactive, retention, removal). Its client secret is never stored: \
            it comes from AZURE_CLIENT_SECRET_<NAME> or a file named by AZURE_CLIENT_SECRET_FILE_<NAME> (NAME \
            upper-cased, other characters as _), else from AZURE_CLIENT_SECRET. With several tenants, commands \
            need --tenant NAME.
            """,
        subcommands: [TenantAddCommand.self, TenantListCommand.self, TenantSetCommand.self]
    )
}
