import Foundation
import GRDB

/// A kind of retirement a source system shows. Which kinds count as a retirement is the tenant setting
/// `retirement_sources` (`tenant set NAME retirement_sources intune-retire,intune-wipe,…`).
public enum RetirementSourceRule: String, Sendable, Hashable, CaseIterable {
    case intuneRetire = "intune-retire"
    case intuneWipe = "intune-wipe"
    case intuneDelete = "intune-delete"
    case entraDelete = "entra-delete"
    case entraDisable = "entra-disable"

    /// The setting's key.
    public static let key = "retirement_sources"

    /// What counts unless the tenant says otherwise: Intune's retire, wipe and delete, and Entra's delete. A disabled
    /// Entra device is reported but not counted: accounts are disabled for leave, investigations and staging too.
    public static let defaults: Set<RetirementSourceRule> = [.intuneRetire, .intuneWipe, .intuneDelete, .entraDelete]

    /// The setting's text for a set, in a fixed order.
    public static func text(_ rules: Set<RetirementSourceRule>) -> String {
        rules.isEmpty ? "none" : allCases.filter(rules.contains).map(\.rawValue).joined(separator: ",")
    }

    /// Parses the setting: a comma-separated list of kinds, or `none`.
    /// - Throws: `LedgerError` naming the unknown kind and every known one.
    public static func parse(_ text: String) throws -> Set<RetirementSourceRule> {
        let words = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if words == ["none"] { return [] }
        var rules: Set<RetirementSourceRule> = []
        for word in words where !word.isEmpty {
            guard let rule = RetirementSourceRule(rawValue: word) else {
                throw LedgerError(
                    "unknown retirement source '\(word)'; use a comma-separated list of "
                        + allCases.map(\.rawValue).joined(separator: ", ") + ", or none")
            }
            rules.insert(rule)
        }
        guard !rules.isEmpty else { throw LedgerError("retirement_sources is empty; to count no source, say none") }
        return rules
    }

    /// The kinds that count for a tenant now (its stored setting, else the defaults).
    static func load(_ db: Database, tenant: Int64) throws -> Set<RetirementSourceRule> {
        let text = try String.fetchOne(
            db, sql: "SELECT value FROM tenant_settings WHERE tenant = ? AND key = ?", arguments: [tenant, key])
        return try text.map(parse) ?? defaults
    }
}
