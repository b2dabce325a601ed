import AzureAccess

/// One Intune managed device (`/deviceManagement/managedDevices`), with the object as received in `raw`.
///
/// Enumerations (`managementState`, `complianceState`, `deviceRegistrationState`…) are open sets kept as text:
/// an unknown value never fails decoding.
public struct IntuneManagedDevice: Sendable, Hashable {
    /// Intune's id (the "Device ID" of Intune's export), not the Entra device id.
    public var id: String
    public var deviceName: String?
    /// The join key with Entra `deviceId` and MDE `aadDeviceId`; nil when Graph sent none or the zero GUID
    /// (a device not registered in Entra).
    public var azureADDeviceId: String?
    /// Beta only: `managed`, `retirePending`, `retireIssued`, `wipePending`…; nil on v1.0.
    public var managementState: String?
    /// Canonical UTC text.
    public var lastSyncDateTime: String?
    public var enrolledDateTime: String?
    public var userPrincipalName: String?
    public var userId: String?
    public var userDisplayName: String?
    public var operatingSystem: String?
    public var osVersion: String?
    public var complianceState: String?
    public var deviceRegistrationState: String?
    public var managedDeviceOwnerType: String?
    public var raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try FieldReader(json, what: "a managed device")
        id = try fields.requiredID()
        do {
            deviceName = try fields.string("deviceName")
            let aad = try fields.string("azureADDeviceId", "azureActiveDirectoryDeviceId")
            azureADDeviceId = aad.flatMap { $0.isEmpty || $0 == "00000000-0000-0000-0000-000000000000" ? nil : $0 }
            managementState = try fields.string("managementState")
            lastSyncDateTime = try fields.time("lastSyncDateTime")
            enrolledDateTime = try fields.time("enrolledDateTime")
            userPrincipalName = try fields.string("userPrincipalName").flatMap { $0.isEmpty ? nil : $0 }
            userId = try fields.string("userId").flatMap { $0.isEmpty ? nil : $0 }
            userDisplayName = try fields.string("userDisplayName")
            operatingSystem = try fields.string("operatingSystem")
            osVersion = try fields.string("osVersion")
            complianceState = try fields.string("complianceState")
            deviceRegistrationState = try fields.string("deviceRegistrationState")
            managedDeviceOwnerType = try fields.string("managedDeviceOwnerType")
        } catch let error as MDEDecodingError {
            throw error.at("managed device \(id)")
        }
        raw = json
    }
}

/// One Entra device (`/devices`).
public struct EntraDevice: Sendable, Hashable {
    /// The directory object id (for PATCH/DELETE), not the join key.
    public var id: String
    /// The join key: Intune `azureADDeviceId`, MDE `aadDeviceId`.
    public var deviceId: String?
    public var displayName: String?
    public var accountEnabled: Bool?
    /// Coarse: Entra moves it only every 14 days or so; never telemetry evidence.
    public var approximateLastSignInDateTime: String?
    public var operatingSystem: String?
    /// `AzureAd`, `ServerAd`, `Workplace`, or anything newer.
    public var trustType: String?
    public var registrationDateTime: String?
    public var raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try FieldReader(json, what: "an Entra device")
        id = try fields.requiredID()
        do {
            deviceId = try fields.string("deviceId")
            displayName = try fields.string("displayName")
            accountEnabled = try fields.bool("accountEnabled")
            approximateLastSignInDateTime = try fields.time("approximateLastSignInDateTime")
            operatingSystem = try fields.string("operatingSystem")
            trustType = try fields.string("trustType")
            registrationDateTime = try fields.time("registrationDateTime")
        } catch let error as MDEDecodingError {
            throw error.at("Entra device \(id)")
        }
        raw = json
    }
}

/// One Intune audit event (`/deviceManagement/auditEvents`): who did what to which device, when.
public struct IntuneAuditEvent: Sendable, Hashable {
    public var id: String
    public var displayName: String?
    /// `Retire ManagedDevice`, `Wipe ManagedDevice`, `Delete ManagedDevice`… (open set).
    public var activity: String?
    public var activityType: String?
    public var activityDateTime: String?
    public var activityResult: String?
    public var category: String?
    public var actorUserPrincipalName: String?
    public var actorApplicationDisplayName: String?
    /// The `resourceId`s of `resources[]`: Intune device ids for device actions.
    public var resourceIds: [String]
    public var raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try FieldReader(json, what: "an audit event")
        id = try fields.requiredID()
        do {
            displayName = try fields.string("displayName")
            activity = try fields.string("activity")
            activityType = try fields.string("activityType")
            activityDateTime = try fields.time("activityDateTime")
            activityResult = try fields.string("activityResult")
            category = try fields.string("category")
            if let actor = fields.value(["actor"])?.value {
                let actorFields = try FieldReader(actor, what: "an actor")
                actorUserPrincipalName = try actorFields.string("userPrincipalName")
                actorApplicationDisplayName = try actorFields.string("applicationDisplayName")
            }
            resourceIds = []
            if let resources = fields.value(["resources"])?.value {
                guard case .array(let items) = resources else {
                    throw MDEDecodingError("'resources' is \(resources.kindDescription), expected an array")
                }
                for item in items {
                    if let id = try FieldReader(item, what: "a resource").string("resourceId") {
                        resourceIds.append(id)
                    }
                }
            }
        } catch let error as MDEDecodingError {
            throw error.at("audit event \(id)")
        }
        raw = json
    }
}

/// One licence the tenant holds (`/subscribedSkus`).
public struct SubscribedSku: Sendable, Hashable {
    public var skuId: String
    public var skuPartNumber: String?
    /// `prepaidUnits.enabled`: the licences bought and active.
    public var prepaidEnabled: Int?
    public var consumedUnits: Int?
    public var capabilityStatus: String?
    /// `User` or `Company`.
    public var appliesTo: String?
    public var servicePlanNames: [String]
    public var raw: JSONValue

    /// Service plans that carry Defender for Endpoint: P2 (`WINDEFATP`), P1 (`MDE_LITE`), Defender for Business
    /// (`MDE_SMB`).
    public static let defenderServicePlans: Set<String> = ["WINDEFATP", "MDE_LITE", "MDE_SMB"]

    /// Whether any of its service plans is a Defender for Endpoint one.
    public var includesDefenderForEndpoint: Bool {
        servicePlanNames.contains { Self.defenderServicePlans.contains($0.uppercased()) }
    }

    public init(json: JSONValue) throws {
        let fields = try FieldReader(json, what: "a subscribed SKU")
        guard let skuId = try fields.string("skuId"), !skuId.isEmpty else { throw MDEDecodingError("missing 'skuId'") }
        self.skuId = skuId
        do {
            skuPartNumber = try fields.string("skuPartNumber")
            consumedUnits = try Self.int(fields.value(["consumedUnits"])?.value, "consumedUnits")
            capabilityStatus = try fields.string("capabilityStatus")
            appliesTo = try fields.string("appliesTo")
            if let prepaid = fields.value(["prepaidUnits"])?.value {
                prepaidEnabled = try Self.int(prepaid["enabled"], "prepaidUnits.enabled")
            }
            servicePlanNames = []
            if let plans = fields.value(["servicePlans"])?.value {
                guard case .array(let items) = plans else {
                    throw MDEDecodingError("'servicePlans' is \(plans.kindDescription), expected an array")
                }
                for item in items {
                    if let name = try FieldReader(item, what: "a service plan").string("servicePlanName") {
                        servicePlanNames.append(name)
                    }
                }
            }
        } catch let error as MDEDecodingError {
            throw error.at("SKU \(skuId)")
        }
        raw = json
    }

    static func int(_ value: JSONValue?, _ key: String) throws -> Int? {
        switch value {
        case nil, .null?: return nil
        case .int(let n)?: return Int(n)
        case let other?: throw MDEDecodingError("'\(key)' is \(other.kindDescription), expected a whole number")
        }
    }
}

/// One user (`/users?$select=id,userPrincipalName,assignedLicenses,accountEnabled`).
public struct GraphUser: Sendable, Hashable {
    public var id: String
    public var userPrincipalName: String?
    public var displayName: String?
    /// nil when not `$select`ed.
    public var accountEnabled: Bool?
    /// The `skuId`s of `assignedLicenses`.
    public var assignedSkuIds: [String]
    public var raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try FieldReader(json, what: "a user")
        id = try fields.requiredID()
        do {
            userPrincipalName = try fields.string("userPrincipalName")
            displayName = try fields.string("displayName")
            accountEnabled = try fields.bool("accountEnabled")
            assignedSkuIds = []
            if let licences = fields.value(["assignedLicenses"])?.value {
                guard case .array(let items) = licences else {
                    throw MDEDecodingError("'assignedLicenses' is \(licences.kindDescription), expected an array")
                }
                for item in items {
                    if let sku = try FieldReader(item, what: "a licence").string("skuId") { assignedSkuIds.append(sku) }
                }
            }
        } catch let error as MDEDecodingError {
            throw error.at("user \(id)")
        }
        raw = json
    }
}
