import AzureAccess

/// One device as listed by `GET /api/machines` (mde-api.md §6), with the object as received in `raw`.
///
/// Only the fields the ledger tracks are typed; everything else (and anything Microsoft adds later) stays in `raw`.
/// Enumerations (`osPlatform`, `onboardingStatus`, `healthStatus`) are open sets, kept as received.
public struct Machine: Sendable, Hashable {
    public var id: String
    public var computerDnsName: String?
    /// Canonical UTC text (`2026-11-02T08:13:41Z`).
    public var firstSeen: String?
    /// Canonical UTC text; the last *full* device report, which can lag real activity by about a day.
    public var lastSeen: String?
    public var osPlatform: String?
    /// `osVersion`, else the documented `version`.
    public var osVersion: String?
    /// As received, e.g. `Onboarded`; compare case-insensitively (the docs spell it `onboarded`).
    public var onboardingStatus: String?
    public var healthStatus: String?
    public var aadDeviceId: String?
    /// A JSON number or string in responses, as text (`140` → `"140"`).
    public var rbacGroupId: String?
    public var rbacGroupName: String?
    /// `[]` when absent or null.
    public var machineTags: [String]
    public var mergedIntoMachineId: String?
    public var isExcluded: Bool?
    /// The object exactly as received (for a single `GET`, without its `@odata.*` annotations).
    public var raw: JSONValue

    /// Reads a machine object.
    /// - Throws: `MDEDecodingError` when `json` is not an object, `id` is missing, or a known field has the wrong type.
    public init(json: JSONValue) throws {
        let fields = try FieldReader(json, what: "a machine")
        id = try fields.requiredID()
        do {
            computerDnsName = try fields.string("computerDnsName")
            firstSeen = try fields.time("firstSeen")
            lastSeen = try fields.time("lastSeen")
            osPlatform = try fields.string("osPlatform")
            osVersion = try fields.string("osVersion", "version")
            onboardingStatus = try fields.string("onboardingStatus")
            healthStatus = try fields.string("healthStatus")
            aadDeviceId = try fields.string("aadDeviceId")
            rbacGroupId = try fields.stringOrNumber("rbacGroupId")
            rbacGroupName = try fields.string("rbacGroupName")
            machineTags = try fields.stringArray("machineTags")
            mergedIntoMachineId = try fields.string("mergedIntoMachineId")
            isExcluded = try fields.bool("isExcluded")
        } catch let error as MDEDecodingError {
            throw error.at("machine \(id)")
        }
        raw = json
    }
}
