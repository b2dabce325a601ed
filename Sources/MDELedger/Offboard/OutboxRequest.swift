import Crypto
import Foundation
import MDEAPI

/// What a user asked for: the kind of request, which devices, and who asks.
///
/// ```swift
/// let request = OutboxRequest(kind: .offboard, selection: .retired, comment: "Retired per CHG-1234",
///                             requestedBy: "alice", clientId: credentials.clientId, apiBaseURL: base)
/// let preview = try ledger.previewOutbox(request)
/// ```
public struct OutboxRequest: Sendable, Hashable {
    public var kind: OutboxKind
    /// The ledger tenant (nil: the only one).
    public var tenant: String?
    public var selection: DeviceSelection
    /// The `Comment` every offboard request carries (required for offboarding).
    public var comment: String?
    /// The tag of a tag plan.
    public var tag: String?
    /// Devices whose last offboard failed or was rejected may be sent again.
    public var retryFailed: Bool
    /// Devices whose last Offboard action a person cancelled may be sent again (only with `retryFailed`): a
    /// cancellation is a human decision, so it is never retried unless the admin names it.
    public var includeCancelled: Bool
    /// With `.retired`: only retirements from this list, by file name or SHA-256 (`--list`).
    public var retiredList: String? = nil
    /// The person running the command (`$USER` or `--requested-by`): MDE only records the app.
    public var requestedBy: String
    /// The app's client id, which MDE records as the requestor.
    public var clientId: String
    public var apiBaseURL: String

    public init(
        kind: OutboxKind, tenant: String? = nil, selection: DeviceSelection, comment: String? = nil,
        tag: String? = nil, retryFailed: Bool = false, includeCancelled: Bool = false, retiredList: String? = nil,
        requestedBy: String, clientId: String, apiBaseURL: String
    ) {
        self.kind = kind
        self.tenant = tenant
        self.selection = selection
        self.comment = comment
        self.tag = tag
        self.retryFailed = retryFailed
        self.includeCancelled = includeCancelled
        self.retiredList = retiredList
        self.requestedBy = requestedBy
        self.clientId = clientId
        self.apiBaseURL = apiBaseURL
    }

    /// The selection as stored with the plan.
    var selectionJSON: JSONValue {
        guard case .object(var members) = selection.json else { return selection.json }
        members["retry_failed"] = .bool(retryFailed)
        if includeCancelled { members["include_cancelled"] = .bool(true) }
        if let retiredList { members["list"] = .string(retiredList) }
        return .object(members)
    }

    /// Equal for the same kind, tag, comment and selection: a rerun with the same arguments resumes its plan.
    var selectionKey: String {
        let text = JSONValue.object([
            "kind": .string(kind.rawValue), "tag": tag.map(JSONValue.string) ?? .null,
            "comment": comment.map(JSONValue.string) ?? .null, "selection": selectionJSON,
        ]).canonicalText()
        return SHA256.hash(data: Data(text.utf8)).hexString
    }
}

/// A device a plan will send a request for, with how it was chosen: the plan an admin approves shows this.
public struct PlannedDevice: Sendable, Hashable, Codable {
    public var id: String
    public var computerDnsName: String?
    public var aadDeviceId: String? = nil
    public var osPlatform: String?
    public var lastSeen: String?
    /// Its lifecycle state when the plan was made.
    public var state: String? = nil
    /// Why it is selected (`retired-not-offboarded since 2026-10-01`, `named as pc-0001`).
    public var reason: String
    /// How the list or argument that named it was matched to it: `id`, `aad_device_id` or `name`.
    public var matchedBy: String? = nil
    /// The retirement list or device file that named it, and the line (`retired.csv:12`), or `command line`.
    public var source: String? = nil
    /// The retirement list's note for it.
    public var note: String? = nil

    /// The provenance as one phrase: `matched by name, retired.csv:12, note "sold"`.
    public var provenance: String {
        var parts: [String] = []
        if let matchedBy { parts.append("matched by \(matchedBy)") }
        if let source { parts.append(source) }
        if let note, !note.isEmpty { parts.append("note \"\(note)\"") }
        return parts.joined(separator: ", ")
    }
}

/// A device the selection considered and left out, with the reason.
public struct SkippedDevice: Sendable, Hashable, Codable {
    /// The device as the user named it, or its id.
    public var device: String
    public var id: String?
    public var computerDnsName: String?
    public var reason: String
}

/// What a plan would contain, before anything is written or sent.
public struct OutboxPreview: Sendable, Hashable {
    public var tenant: TenantRecord
    /// The time the device states are taken from (the latest committed snapshot).
    public var asOf: String?
    public var selected: [PlannedDevice]
    public var skipped: [SkippedDevice]
    /// An unfinished plan with the same selection, which a real run resumes instead of planning anew.
    public var resumablePlan: Int64?
    /// The ledger's last event (`seq:hash`) the preview was read at.
    public var head: String = "0:"

    /// The plan an admin approves: this preview with the request's comment, requester and selection.
    public func document(_ request: OutboxRequest, createdAt: String) -> PlanDocument {
        PlanDocument(
            tenant: tenant.name, kind: request.kind.rawValue, comment: request.comment,
            requestedBy: request.requestedBy, selection: request.selectionJSON, head: head, asOf: asOf,
            createdAt: createdAt, devices: selected, skipped: skipped)
    }
}
