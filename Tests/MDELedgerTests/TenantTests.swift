import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// Several tenants in one ledger: their settings, thresholds, endpoints and secrets.
@Suite struct TenantTests {
    @Test func twoTenantsKeepSeparateThresholds() throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let contoso = try ledger.addTenant(
            NewTenant(
                name: "contoso", tenantId: "11111111-1111-1111-1111-111111111111", clientId: "app-1",
                api: TenantAPISettings(region: "EU"), settings: ["retention_days": "90", "stale_hours": "72"]))
        let fabrikam = try ledger.addTenant(NewTenant(name: "fabrikam"))
        try ledger.setTenant("fabrikam", key: "offboard_grace_hours", value: "48")
        let a = try ledger.policy(for: contoso)
        let b = try ledger.policy(for: fabrikam)
        #expect(a.retentionDays == 90 && a.staleHours == 72 && a.offboardGraceHours == 24)
        #expect(b.retentionDays == 180 && b.staleHours == 48 && b.offboardGraceHours == 48)
        #expect(try ledger.apiSettings(for: contoso).effectiveBaseURL == "https://eu.api.security.microsoft.com")
        #expect(try ledger.apiSettings(for: fabrikam) == TenantAPISettings())
        // Back to the default, and a connection setting.
        #expect(try ledger.setTenant("contoso", key: "retention_days", value: "default") == "90")
        try ledger.setTenant("fabrikam", key: "base_url", value: "http://127.0.0.1:9000/")
        #expect(try ledger.policy(for: contoso).retentionDays == 180)
        #expect(try ledger.apiSettings(for: fabrikam).effectiveBaseURL == "http://127.0.0.1:9000")
        let details = try ledger.tenantDetails()
        #expect(details.map(\.record.name) == ["contoso", "fabrikam"])
        #expect(details[0].overridden == ["stale_hours"] && details[1].overridden == ["offboard_grace_hours"])
        #expect(details[0].record.tenantId == "11111111-1111-1111-1111-111111111111")
    }

    @Test func everyChangeIsAnEventAndTheChainVerifies() throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try ledger.addTenant(NewTenant(name: "contoso", settings: ["retention_days": "90"]))
        try ledger.setTenant("contoso", key: "retention_days", value: "120")
        let events = try DatabaseQueue(path: ledger.path).read { db in
            try Row.fetchAll(db, sql: "SELECT kind, subject, payload FROM events WHERE tenant IS NOT NULL ORDER BY seq")
        }
        #expect(events.map { $0[0] as String } == ["tenant_added", "tenant_setting_changed"])
        #expect(events[1][1] as String == "tenant:contoso")
        #expect(events[1][2] as String == #"{"from":"90","key":"retention_days","to":"120"}"#)
        #expect(try ledger.verify().ok)
    }

    @Test(arguments: [
        ("contoso", "retention_days", "0", "must be a whole number from 1 to 3650"),
        ("contoso", "retention_days", "ninety", "must be a whole number"),
        ("contoso", "colour", "blue", "unknown setting 'colour'; known: tenant_id, client_id, region"),
        ("contoso", "region", "mars", "unknown region 'mars'; use one of aea, au, eu, ina, swa, uk, us"),
        ("contoso", "base_url", "http://api.example.com", "plain http to a non-loopback host"),
        ("nobody", "retention_days", "90", "unknown tenant 'nobody'; known: contoso"),
    ])
    func badSettingIsRefusedAndChangesNothing(_ name: String, _ key: String, _ value: String, _ message: String) throws
    {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try ledger.addTenant(NewTenant(name: "contoso"))
        let before = try ledgerDump(ledger.path)
        let error = #expect(throws: LedgerError.self) { try ledger.setTenant(name, key: key, value: value) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        #expect(try ledgerDump(ledger.path) == before)
    }

    @Test func tenantNamesAreCheckedAndMustNotShareASecretVariable() throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try ledger.addTenant(NewTenant(name: "contoso-eu"))
        let clash = #expect(throws: LedgerError.self) { try ledger.addTenant(NewTenant(name: "Contoso_EU")) }
        #expect(clash?.description.contains("AZURE_CLIENT_SECRET_CONTOSO_EU") == true)
        let again = #expect(throws: LedgerError.self) { try ledger.addTenant(NewTenant(name: "contoso-eu")) }
        #expect(again?.description.contains("already exists") == true)
        #expect(throws: LedgerError.self) { try ledger.addTenant(NewTenant(name: "a b")) }
        #expect(throws: LedgerError.self) { try ledger.addTenant(NewTenant(name: "-x")) }
        #expect(throws: LedgerError.self) {
            try ledger.addTenant(NewTenant(name: "x", settings: ["stale_hours": "-1"]))
        }
        #expect(try ledger.tenants().map(\.name) == ["contoso-eu"])
    }

    @Test func commandsWithoutTenantOnATwoTenantLedgerListTheNames() throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try ledger.addTenant(NewTenant(name: "contoso"))
        try ledger.addTenant(NewTenant(name: "fabrikam"))
        let error = #expect(throws: LedgerError.self) { try ledger.resolveTenant(TenantSelection(), create: false) }
        #expect(error?.description.contains("contoso, fabrikam") == true)
        #expect(try ledger.resolveTenant(TenantSelection(name: "fabrikam"), create: false).name == "fabrikam")
    }

    // MARK: secrets, a pure function over the environment

    @Test func secretVariableNames() {
        #expect(TenantSecrets.suffix(for: "contoso-eu.prod") == "CONTOSO_EU_PROD")
        #expect(
            TenantSecrets.variables(for: "Fabrikam") == (
                "AZURE_CLIENT_SECRET_FABRIKAM", "AZURE_CLIENT_SECRET_FILE_FABRIKAM"
            ))
    }

    @Test func perTenantSecretWinsOverThePlainOne() throws {
        let env = [
            "AZURE_CLIENT_SECRET_CONTOSO": "s-contoso", "AZURE_CLIENT_SECRET": "s-plain", "AZURE_TENANT_ID": "t-env",
            "AZURE_CLIENT_ID": "c-env",
        ]
        let contoso = try TenantSecrets.environment(tenant: "contoso", tenantId: "t-row", clientId: "c-row", from: env)
        #expect(
            contoso == ["AZURE_TENANT_ID": "t-row", "AZURE_CLIENT_ID": "c-row", "AZURE_CLIENT_SECRET": "s-contoso"])
        let fabrikam = try TenantSecrets.environment(tenant: "fabrikam", tenantId: nil, clientId: nil, from: env)
        #expect(fabrikam == ["AZURE_TENANT_ID": "t-env", "AZURE_CLIENT_ID": "c-env", "AZURE_CLIENT_SECRET": "s-plain"])
        let credentials = try ClientCredentials.fromEnvironment(contoso)
        #expect(credentials.clientSecret == "s-contoso" && credentials.tenantId == "t-row")
    }

    @Test func perTenantSecretFileIsPassedOn() throws {
        let env = ["AZURE_CLIENT_SECRET_FILE_CONTOSO": "/run/secrets/contoso", "AZURE_CLIENT_SECRET": "s-plain"]
        let result = try TenantSecrets.environment(tenant: "contoso", tenantId: "t", clientId: "c", from: env)
        #expect(result["AZURE_CLIENT_SECRET_FILE"] == "/run/secrets/contoso" && result["AZURE_CLIENT_SECRET"] == nil)
    }

    @Test func secretFileIsReadThroughTheClientsOwnerOnlyCheck() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("secret")
        try Data("s3cret\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let env = ["AZURE_CLIENT_SECRET_FILE_CONTOSO": path]
        let azure = try TenantSecrets.environment(tenant: "contoso", tenantId: "t", clientId: "c", from: env)
        #expect(try ClientCredentials.fromEnvironment(azure).clientSecret == "s3cret")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: MDEConfigurationError.self) { try ClientCredentials.fromEnvironment(azure) }
    }

    @Test(
        arguments: [
            (
                ["AZURE_CLIENT_SECRET_CONTOSO": "a", "AZURE_CLIENT_SECRET_FILE_CONTOSO": "/f"], "t",
                "both AZURE_CLIENT_SECRET_CONTOSO"
            ),
            (
                ["AZURE_CLIENT_SECRET_FABRIKAM": "a"], "t",
                "no client secret for tenant 'contoso'; export AZURE_CLIENT_SECRET_CONTOSO"
            ),
            (["AZURE_CLIENT_SECRET": "a"], nil, "tenant 'contoso' has no tenant_id"),
        ] as [([String: String], String?, String)])
    func missingOrAmbiguousSecretsNameTheVariables(_ env: [String: String], _ tenantId: String?, _ message: String) {
        let error = #expect(throws: LedgerError.self) {
            try TenantSecrets.environment(tenant: "contoso", tenantId: tenantId, clientId: "c", from: env)
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func withoutATenantOnlyThePlainVariablesCount() throws {
        let env = ["AZURE_CLIENT_SECRET": "plain", "AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c"]
        #expect(try TenantSecrets.environment(tenant: nil, tenantId: nil, clientId: nil, from: env) == env)
    }
}
