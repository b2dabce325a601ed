import Foundation
import GRDB

/// A device the user named that matched more than one machine, or none.
public struct DeviceLookupError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// One machine a device query can mean.
public struct DeviceCandidate: Sendable, Hashable {
    public var tenant: Int64
    public var tenantName: String
    public var id: String
    public var computerDnsName: String?
    public var lastSeen: String?
    public var matchedBy: String
    /// MDE's `firstSeen`: a name can only mean a device that existed at the time the name is about.
    public var firstSeen: String? = nil
}

/// Finds machines by MDE id, Entra `aadDeviceId`, or exact DNS or host name, preferring ids.
///
/// A name can belong to several machines (a re-imaged or renamed device gets a new id and the old one stays
/// listed), and acting on the wrong one is the worst failure of such tools: an ambiguous name is refused with
/// every candidate listed, so the user picks an id.
enum DeviceLookup {
    static func candidates(_ db: Database, query: String, tenant: Int64?) throws -> [DeviceCandidate] {
        let text = query.trimmingCharacters(in: .whitespaces)
        let base = """
            SELECT m.tenant, t.name, m.id, m.computer_dns_name, m.last_seen, m.first_seen FROM machines m
            JOIN tenants t ON t.id = m.tenant WHERE
            """
        func fetch(_ condition: String, _ args: StatementArguments, _ how: String) throws -> [DeviceCandidate] {
            let scoped = base + condition + " AND (?1 IS NULL OR m.tenant = ?1) ORDER BY m.last_seen DESC, m.id"
            return try Row.fetchAll(db, sql: scoped, arguments: [tenant] + args)
                .map {
                    DeviceCandidate(
                        tenant: $0["tenant"], tenantName: $0["name"], id: $0["id"],
                        computerDnsName: $0["computer_dns_name"], lastSeen: $0["last_seen"], matchedBy: how,
                        firstSeen: $0["first_seen"])
                }
        }
        let byId = try fetch(" lower(m.id) = lower(?2)", [text], "id")
        if !byId.isEmpty { return byId }
        let byAad = try fetch(" lower(m.aad_device_id) = lower(?2)", [text], "aad_device_id")
        if !byAad.isEmpty { return byAad }
        let byName = try fetch(
            """
             (lower(m.computer_dns_name) = lower(?2)
              OR lower(substr(m.computer_dns_name, 1, instr(m.computer_dns_name || '.', '.') - 1)) = lower(?2))
            """, [text], "name")
        // Names typed or exported in another Unicode form (full-width letters, half-width katakana, compatibility
        // characters, non-ASCII case): compared after NFKC and case folding. A scan of every device, so only for a
        // name with non-ASCII characters that the index did not find (an id, or an unmatched row of a long
        // retirement list, never pays for it); the stored name is shown as it is.
        if !byName.isEmpty || text.unicodeScalars.allSatisfy(\.isASCII) { return byName }
        return try fetch(
            """
             (mde_fold(m.computer_dns_name) = mde_fold(?2)
              OR mde_fold(substr(m.computer_dns_name, 1, instr(m.computer_dns_name || '.', '.') - 1)) = mde_fold(?2))
            """, [text], "name")
    }

    /// NFKC, then case folding, then NFKC again (folding can leave a string that is not NFKC): the form two names
    /// are compared in.
    static func fold(_ text: String) -> String {
        text.precomposedStringWithCompatibilityMapping.lowercased().precomposedStringWithCompatibilityMapping
    }

    /// `mde_fold(text)` for SQL, registered on every connection of a ledger.
    static let foldFunction = DatabaseFunction("mde_fold", argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0]).map(fold)
    }

    /// Exactly one machine, or an error that lists the candidates.
    static func one(_ db: Database, query: String, tenant: Int64?) throws -> DeviceCandidate {
        let found = try candidates(db, query: query, tenant: tenant)
        if found.count == 1 { return found[0] }
        if found.isEmpty {
            throw DeviceLookupError(
                description:
                    "no device matches '\(query)'; give an MDE device id, an aadDeviceId, or an exact DNS or host name")
        }
        let list = found.map { c in
            "  \(c.id)  \(c.computerDnsName ?? "-")  lastSeen \(c.lastSeen ?? "-")"
                + (tenant == nil ? "  tenant \(c.tenantName)" : "")
        }.joined(separator: "\n")
        throw DeviceLookupError(
            description: "'\(query)' matches \(found.count) devices; give one of these ids instead:\n\(list)")
    }
}
