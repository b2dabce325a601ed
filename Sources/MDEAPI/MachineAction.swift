import AzureAccess

/// One machine action (offboard, isolate, scan, …) as listed by `GET /api/machineactions` (mde-api.md §7).
///
/// `type` and `status` are open sets kept as received (`Offboard`; `Pending`, `InProgress`, `Succeeded`, `Failed`,
/// `TimeOut`, `Cancelled`). The object as received is in `raw`.
public struct MachineAction: Sendable, Hashable {
    public var id: String
    public var type: String?
    public var scope: String?
    public var status: String?
    /// May be null, e.g. on a fresh Offboard response.
    public var machineId: String?
    public var computerDnsName: String?
    public var requestor: String?
    public var requestorComment: String?
    public var requestSource: String?
    /// `externalId` (live responses) or `externalID` (the docs).
    public var externalId: String?
    public var title: String?
    /// Canonical UTC text.
    public var creationDateTimeUtc: String?
    /// Canonical UTC text, from `lastUpdateDateTimeUtc` or the docs' list spelling `lastUpdateTimeUtc`.
    public var lastUpdateDateTimeUtc: String?
    public var cancellationRequestor: String?
    public var cancellationComment: String?
    /// Canonical UTC text.
    public var cancellationDateTimeUtc: String?
    /// The object exactly as received (for a single `GET` or an offboard response, without `@odata.*` annotations).
    public var raw: JSONValue

    /// Reads a machine action object.
    /// - Throws: `MDEDecodingError` when `json` is not an object, `id` is missing, or a known field has the wrong type.
    public init(json: JSONValue) throws {
        let fields = try FieldReader(json, what: "a machine action")
        id = try fields.requiredID()
        do {
            type = try fields.string("type")
            scope = try fields.string("scope")
            status = try fields.string("status")
            machineId = try fields.string("machineId")
            computerDnsName = try fields.string("computerDnsName")
            requestor = try fields.string("requestor")
            requestorComment = try fields.string("requestorComment")
            requestSource = try fields.string("requestSource")
            externalId = try fields.string("externalId", "externalID")
            title = try fields.string("title")
            creationDateTimeUtc = try fields.time("creationDateTimeUtc")
            lastUpdateDateTimeUtc = try fields.time("lastUpdateDateTimeUtc", "lastUpdateTimeUtc")
            cancellationRequestor = try fields.string("cancellationRequestor")
            cancellationComment = try fields.string("cancellationComment")
            cancellationDateTimeUtc = try fields.time("cancellationDateTimeUtc")
        } catch let error as MDEDecodingError {
            throw error.at("machine action \(id)")
        }
        raw = json
    }
}
