import Foundation
import MDEAPI

/// Which environment variables hold a tenant's credentials. Pure: reads the dictionary it is given.
///
/// For tenant `contoso-eu` the secret is `AZURE_CLIENT_SECRET_CONTOSO_EU` or the file named by
/// `AZURE_CLIENT_SECRET_FILE_CONTOSO_EU`, else the plain `AZURE_CLIENT_SECRET` / `AZURE_CLIENT_SECRET_FILE`.
/// The tenant and client ids come from the tenant's row when it has them, else `AZURE_TENANT_ID` /
/// `AZURE_CLIENT_ID`. Secrets are never stored in the ledger and never taken from a flag.
public enum TenantSecrets {
    /// What a managed identity reads (`ManagedIdentity.fromEnvironment`).
    static let managedIdentityVariables = [
        "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IMDS_ENDPOINT", "AZURE_POD_IDENTITY_AUTHORITY_HOST",
        "MDE_LEDGER_ARC_KEY_DIRECTORY",
    ]

    /// `contoso-eu` → `CONTOSO_EU`: upper-cased, every character other than A–Z and 0–9 replaced by `_`.
    public static func suffix(for name: String) -> String {
        String(
            name.uppercased().unicodeScalars.map {
                ("A"..."Z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "_"
            })
    }

    /// `AZURE_CLIENT_SECRET_<NAME>` and `AZURE_CLIENT_SECRET_FILE_<NAME>`.
    public static func variables(for name: String) -> (secret: String, file: String) {
        ("AZURE_CLIENT_SECRET_\(suffix(for: name))", "AZURE_CLIENT_SECRET_FILE_\(suffix(for: name))")
    }

    /// The plain Azure variables (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, and `AZURE_CLIENT_SECRET` or
    /// `AZURE_CLIENT_SECRET_FILE`) that `ClientCredentials.fromEnvironment` should read for this tenant.
    ///
    /// - Parameters:
    ///   - tenant: the ledger tenant's name, or nil when the ledger has none yet (plain variables only).
    ///   - tenantId: the Entra tenant id stored for it, if any.
    ///   - clientId: the client id stored for it, if any.
    /// - Throws: `LedgerError` when both per-tenant variables are set, or, for a named tenant, when no secret or
    ///   no tenant or client id is found anywhere (the message names the variables and the `tenant set` fix).
    public static func environment(
        tenant: String?, tenantId: String?, clientId: String?, from env: [String: String],
        managedIdentity: Bool = false
    ) throws -> [String: String] {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        var result: [String: String] = [:]
        result["AZURE_TENANT_ID"] = tenantId ?? value("AZURE_TENANT_ID")
        result["AZURE_CLIENT_ID"] = clientId ?? value("AZURE_CLIENT_ID")
        if let tenant {
            let names = variables(for: tenant)
            switch (value(names.secret), value(names.file)) {
            case (let secret?, nil):
                result["AZURE_CLIENT_SECRET"] = secret
                return result
            case (nil, let file?):
                result["AZURE_CLIENT_SECRET_FILE"] = file
                return result
            case (.some, .some):
                throw LedgerError("both \(names.secret) and \(names.file) are set; unset one of them")
            case (nil, nil):
                break
            }
        }
        result["AZURE_CLIENT_SECRET"] = value("AZURE_CLIENT_SECRET")
        result["AZURE_CLIENT_SECRET_FILE"] = value("AZURE_CLIENT_SECRET_FILE")
        result["AZURE_FEDERATED_TOKEN_FILE"] = value("AZURE_FEDERATED_TOKEN_FILE")
        result["AZURE_CLIENT_CERTIFICATE_PATH"] = value("AZURE_CLIENT_CERTIFICATE_PATH")
        result["AZURE_CLIENT_CERTIFICATE_PASSWORD"] = value("AZURE_CLIENT_CERTIFICATE_PASSWORD")
        result["AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE"] = value("AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE")
        for name in managedIdentityVariables { result[name] = value(name) }
        // The plain secret belongs to the app AZURE_CLIENT_ID names: with another app pinned for this tenant, the
        // token request would pair one app's id with another's secret (or the operator meant another app).
        for (variable, key, pinned) in [
            ("AZURE_CLIENT_ID", "client_id", clientId), ("AZURE_TENANT_ID", "tenant_id", tenantId),
        ] {
            if let pinned, let named = value(variable), named != pinned {
                let name = tenant ?? "default"
                throw LedgerError(
                    "\(variable) is \(ErrorText.quoted(named)), but the ledger pins \(key) \(ErrorText.quoted(pinned)) "
                        + "for tenant '\(name)'; unset \(variable) to use the pinned one, or change the tenant with "
                        + "'mde-ledger tenant set \(name) \(key) \(named)'")
            }
        }
        if let tenant, !managedIdentity {
            let names = variables(for: tenant)
            if result["AZURE_CLIENT_SECRET"] == nil && result["AZURE_CLIENT_SECRET_FILE"] == nil
                && result["AZURE_FEDERATED_TOKEN_FILE"] == nil && result["AZURE_CLIENT_CERTIFICATE_PATH"] == nil
            {
                throw LedgerError(
                    "no client secret for tenant '\(tenant)'; export \(names.secret) or point \(names.file) at a file "
                        + "holding it (AZURE_CLIENT_SECRET serves every tenant without its own), set "
                        + "AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE, or on an Azure VM use "
                        + "--credential managed-identity")
            }
            for (variable, key) in [("AZURE_TENANT_ID", "tenant_id"), ("AZURE_CLIENT_ID", "client_id")]
            where result[variable] == nil {
                throw LedgerError(
                    "tenant '\(tenant)' has no \(key); run 'mde-ledger tenant set \(tenant) \(key) VALUE' or export "
                        + variable)
            }
        }
        return result
    }
}
