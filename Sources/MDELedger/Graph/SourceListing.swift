import Foundation
import MDEAPI

/// The kinds of object the Graph step records (`source_observations.source`).
public enum SourceKind: String, Sendable, Hashable, CaseIterable {
    /// An Intune managed device.
    case intune
    /// An Entra device.
    case entra
    /// A licence the tenant holds (a subscribed SKU).
    case sku
    /// A user and the licences assigned to them.
    case user
}

/// One object of a Graph listing, as the ledger keeps it.
public struct SourceObject: Sendable, Hashable {
    /// The object's id in its source (Intune id, Entra object id, skuId, user id).
    public var id: String
    /// A device's Entra device id: the join with MDE's `aadDeviceId`.
    public var joinKey: String?
    /// A time that moves several times a day (Intune `lastSyncDateTime`), kept beside the document instead of in
    /// it, so an unchanged device writes nothing.
    public var activityAt: String?
    /// The object as Graph sent it, without the field in `activityAt`.
    public var document: JSONValue

    public init(id: String, joinKey: String?, activityAt: String? = nil, document: JSONValue) {
        self.id = id
        self.joinKey = joinKey
        self.activityAt = activityAt
        self.document = document
    }
}

/// A whole listing of one kind. Only a listing Graph delivered in full (its `@odata.count` met) may be recorded:
/// an object missing from it is recorded as gone.
public struct SourceListing: Sendable, Hashable {
    public var kind: SourceKind
    public var objects: [SourceObject]

    public init(kind: SourceKind, objects: [SourceObject]) {
        self.kind = kind
        self.objects = objects
    }
}

/// What the Graph step of one sync read, for `Ledger.recordGraphRead`.
public struct GraphRead: Sendable {
    /// The Graph base URL (recorded as the run's source).
    public var baseURL: String
    /// Graph's `Date` header, canonical UTC: when these listings were true.
    public var observedAt: String
    /// The listings read in full; a kind the app may not read is absent, and nothing about it is inferred.
    public var listings: [SourceListing]
    /// Intune's retirements (from `managementState` and the audit log); Entra's are derived from its history.
    public var retirements: [SourceRetirement]
    /// Everything Graph sent, whose canonical JSON's SHA-256 the run records as its `list_sha256`.
    public var answer: JSONValue
    /// The kind of credential the Graph token came from (recorded like a sync's; never the material).
    public var credential: String?

    public init(
        baseURL: String, observedAt: String, listings: [SourceListing], retirements: [SourceRetirement],
        answer: JSONValue, credential: String? = nil
    ) {
        self.credential = credential
        self.baseURL = baseURL
        self.observedAt = observedAt
        self.listings = listings
        self.retirements = retirements
        self.answer = answer
    }
}

/// What `recordGraphRead` recorded.
public struct GraphRunSummary: Sendable, Hashable {
    public var run: Int64
    /// Per kind: objects in the listing, rows written for new or changed objects, and objects gone from it.
    public var listed: [SourceKind: Int] = [:]
    public var changed: [SourceKind: Int] = [:]
    public var gone: [SourceKind: Int] = [:]
    /// Retirements the sources show, per kind, counted or not.
    public var shown: [RetirementSourceRule: Int] = [:]
    /// The kinds that count for this tenant.
    public var counted: Set<RetirementSourceRule> = []
    /// MDE machines newly retired.
    public var recorded = 0
    /// Counted retirements whose Entra id no MDE machine carries.
    public var unmatched = 0
    /// Machines a counted source shows retired that were already retired by another source (kept as they were).
    public var retiredElsewhere = 0
}
