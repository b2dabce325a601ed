/// A JSON value as the Graph handlers build it: ordered members, so `$select` can keep some and output stays
/// byte-stable.
indirect enum GraphValue: Sendable {
    case string(String?)
    case bool(Bool)
    case int(Int)
    case object([(String, GraphValue)])
    case array([GraphValue])

    static func time(_ t: SimTime?) -> GraphValue { .string(t?.isoSeconds) }

    func write(to w: inout JSONWriter) {
        switch self {
        case .string(let s): w.string(s)
        case .bool(let b): w.bool(b)
        case .int(let i): w.int(i)
        case .array(let items):
            w.beginArray()
            for item in items { item.write(to: &w) }
            w.endArray()
        case .object(let members):
            w.beginObject()
            for (key, value) in members {
                w.key(key)
                value.write(to: &w)
            }
            w.endObject()
        }
    }
}

/// The JSON of each Graph entity at a point in virtual time.
extension GraphTenant {
    func managedDeviceJSON(_ d: IntuneDevice, beta: Bool, now: SimTime) -> [(String, GraphValue)] {
        let user = d.user.map { users[$0] }
        var members: [(String, GraphValue)] = [
            ("id", .string(d.id)),
            ("userId", .string(user?.id)),
            ("deviceName", .string(d.deviceName)),
            ("managedDeviceOwnerType", .string(d.ownerType)),
            ("enrolledDateTime", .time(d.enrolled)),
            ("lastSyncDateTime", .time(d.lastSync(at: now))),
            ("operatingSystem", .string(d.operatingSystem)),
            ("complianceState", .string(d.complianceState)),
            ("managementAgent", .string("mdm")),
            ("osVersion", .string(d.osVersion)),
            ("azureADRegistered", .bool(d.azureADDeviceId != nil)),
            ("deviceEnrollmentType", .string(d.operatingSystem == "Windows" ? "windowsAzureADJoin" : "userEnrollment")),
            ("emailAddress", .string(user?.userPrincipalName)),
            ("azureADDeviceId", .string(d.azureADDeviceId ?? Self.zeroGUID)),
            ("deviceRegistrationState", .string(d.azureADDeviceId == nil ? "notRegistered" : "registered")),
            ("userPrincipalName", .string(user?.userPrincipalName)),
            ("userDisplayName", .string(user?.displayName)),
            ("deviceActionResults", .array([])),
        ]
        // Beta only (the v1.0 resource has no such property at all).
        if beta {
            members.insert(("managementState", .string(d.managementState(at: now))), at: 5)
            members.append(("azureActiveDirectoryDeviceId", .string(d.azureADDeviceId ?? Self.zeroGUID)))
        }
        return members
    }

    func entraDeviceJSON(_ d: EntraDevice, now: SimTime) -> [(String, GraphValue)] {
        [
            ("id", .string(d.id)),
            ("deletedDateTime", .string(nil)),
            ("accountEnabled", .bool(d.accountEnabled(at: now))),
            ("approximateLastSignInDateTime", .time(d.approximateLastSignIn(at: now))),
            ("deviceId", .string(d.deviceId)),
            ("displayName", .string(d.displayName)),
            ("isCompliant", .bool(true)),
            ("isManaged", .bool(d.trustType != "Workplace")),
            ("operatingSystem", .string(d.operatingSystem)),
            ("operatingSystemVersion", .string(d.operatingSystemVersion)),
            ("profileType", .string(d.trustType == "Workplace" ? "RegisteredDevice" : nil)),
            ("registrationDateTime", .time(d.registered)),
            ("trustType", .string(d.trustType)),
        ]
    }

    /// Audit events of Intune remote actions taken by `now`, oldest first.
    func auditEvents(at now: SimTime) -> [(IntuneDevice, IntuneAction)] {
        intune.compactMap { d in d.action.flatMap { $0.at <= now ? (d, $0) : nil } }
            .sorted { ($0.1.at, $0.1.auditEventId) < ($1.1.at, $1.1.auditEventId) }
    }

    /// The `activity`/`activityType` names of the Intune audit log ("Retire ManagedDevice" as Intune's audit logs
    /// name it; graph-and-identity.md §1.1 — wipe and delete follow the same pattern).
    static func activityName(_ kind: ActionKind) -> String {
        switch kind {
        case .retire: "Retire ManagedDevice"
        case .wipe: "Wipe ManagedDevice"
        case .delete: "Delete ManagedDevice"
        }
    }

    func auditEventJSON(_ d: IntuneDevice, _ a: IntuneAction) -> [(String, GraphValue)] {
        let admin = admins[a.actor]
        let name = Self.activityName(a.kind)
        return [
            ("id", .string(a.auditEventId)),
            ("displayName", .string(name)),
            ("componentName", .string("Devices")),
            (
                "actor",
                .object([
                    ("type", .string("ItPro")),
                    ("auditActorType", .string("ItPro")),
                    ("userPermissions", .array([.string("*")])),
                    ("applicationId", .string("5926fc8e-304e-4f59-8bed-58ca97cc39a4")),
                    ("applicationDisplayName", .string("Microsoft Intune portal extension")),
                    ("userPrincipalName", .string(admin.userPrincipalName)),
                    ("servicePrincipalName", .string(nil)),
                    ("ipAddress", .string("203.0.113.\(10 + a.actor)")),
                    ("userId", .string(admin.id)),
                ])
            ),
            ("activity", .string(name)),
            ("activityDateTime", .time(a.at)),
            ("activityType", .string(name)),
            ("activityOperationType", .string(a.kind == .delete ? "Delete" : "Action")),
            ("activityResult", .string("Success")),
            ("correlationId", .string(a.auditEventId.replacingOccurrences(of: "-4", with: "-5"))),
            (
                "resources",
                .array([
                    .object([
                        ("displayName", .string(d.deviceName)),
                        ("type", .string("ManagedDevice")),
                        ("auditResourceType", .string("ManagedDevice")),
                        ("resourceId", .string(d.id)),
                        ("modifiedProperties", .array([])),
                    ])
                ])
            ),
            ("category", .string("Device")),
        ]
    }

    func skuJSON(_ sku: Sku) -> [(String, GraphValue)] {
        let consumed =
            sku.appliesTo == "Company"
            ? sku.prepaidEnabled : users.filter { $0.skuIds.contains(sku.skuId) }.count
        return [
            ("capabilityStatus", .string("Enabled")),
            ("consumedUnits", .int(consumed)),
            ("id", .string("\(Self.tenantObjectId)_\(sku.skuId)")),
            ("skuId", .string(sku.skuId)),
            ("skuPartNumber", .string(sku.skuPartNumber)),
            ("appliesTo", .string(sku.appliesTo)),
            (
                "prepaidUnits",
                .object([
                    ("enabled", .int(sku.prepaidEnabled)), ("suspended", .int(0)), ("warning", .int(0)),
                    ("lockedOut", .int(0)),
                ])
            ),
            (
                "servicePlans",
                .array(
                    sku.servicePlans.map { plan in
                        .object([
                            ("servicePlanId", .string(plan.id)), ("servicePlanName", .string(plan.name)),
                            ("provisioningStatus", .string("Success")), ("appliesTo", .string(sku.appliesTo)),
                        ])
                    })
            ),
        ]
    }

    static let tenantObjectId = "00000000-0000-4000-8000-000000000001"

    /// Every property a user can be `$select`ed for; without `$select` Graph sends only `userDefaultKeys`.
    func userJSON(_ u: User) -> [(String, GraphValue)] {
        let parts = u.displayName.split(separator: " ").map(String.init)
        return [
            ("businessPhones", .array([])),
            ("displayName", .string(u.displayName)),
            ("givenName", .string(parts.first)),
            ("jobTitle", .string(nil)),
            ("mail", .string(u.userPrincipalName)),
            ("mobilePhone", .string(nil)),
            ("officeLocation", .string(nil)),
            ("preferredLanguage", .string(nil)),
            ("surname", .string(parts.last)),
            ("userPrincipalName", .string(u.userPrincipalName)),
            ("id", .string(u.id)),
            ("accountEnabled", .bool(u.accountEnabled)),
            (
                "assignedLicenses",
                .array(
                    u.skuIds.map { .object([("disabledPlans", .array([])), ("skuId", .string($0))]) })
            ),
        ]
    }

    static let userDefaultKeys: Set<String> = [
        "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation",
        "preferredLanguage", "surname", "userPrincipalName", "id",
    ]
}
