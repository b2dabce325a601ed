import ArgumentParser
import Foundation
import MDEAPI
import MDELedger

struct TenantListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the tenants with their ids, endpoints, thresholds and where their secret comes from.",
        discussion: """
            Thresholds set for a tenant are marked with *; the others are the documented defaults. The secret line \
            names the environment variables sync reads for the tenant and whether they are set now; it never \
            shows a secret.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    func run() throws {
        let tenants = try ledger.openForQuestions().tenantDetails()
        guard !tenants.isEmpty else {
            print("no tenants yet; add one with 'mde-ledger tenant add NAME' or run a sync or an import")
            return
        }
        let env = ProcessInfo.processInfo.environment
        for tenant in tenants {
            let record = tenant.record
            print(record.name)
            print("  tenant id: \(record.tenantId ?? "-")  client id: \(record.clientId ?? "-")")
            let cloud = tenant.api.cloud.flatMap { MicrosoftCloud(rawValue: $0) } ?? .public
            let base = tenant.api.effectiveBaseURL ?? "MDE_API_BASE_URL, else \(cloud.apiBaseURL)"
            let region = tenant.api.region.map { " (region \($0))" } ?? ""
            print("  api: \(base)\(region)  token: \(tenant.api.tokenURL ?? "MDE_TOKEN_URL, else Entra default")")
            let scope = tenant.api.scope ?? "MDE_TOKEN_SCOPE, else \(cloud.scope)"
            print("  cloud: \(cloud.rawValue)\(tenant.api.cloud == nil ? " (default)" : "")  scope: \(scope)")
            let thresholds = LifecyclePolicy.keys.map { key in
                "\(key)=\(tenant.policy[key]!)\(tenant.overridden.contains(key) ? "*" : "")"
            }
            print("  thresholds: \(thresholds.joined(separator: " "))")
            let variables = TenantSecrets.variables(for: record.name)
            let found =
                [variables.secret, variables.file, "AZURE_CLIENT_SECRET", "AZURE_CLIENT_SECRET_FILE"]
                .first { !(env[$0] ?? "").isEmpty }
            print(
                "  secret: \(variables.secret) or \(variables.file), else AZURE_CLIENT_SECRET (now: \(found ?? "none set"))"
            )
            print("  devices: \(tenant.devices)  last run: \(tenant.lastRun ?? "none")")
        }
    }
}
