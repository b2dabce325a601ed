import Foundation
import GRDB

/// One plan of the outbox: who asked for what, when and why.
public struct OutboxPlan: Sendable, Hashable, Codable {
    public var id: Int64
    public var tenant: String
    public var tenantId: Int64
    public var kind: OutboxKind
    public var tag: String?
    public var comment: String?
    public var selection: String
    public var requestedBy: String
    public var clientId: String
    public var apiBaseURL: String
    public var createdAt: String
    public var devices: Int
    /// The devices left out when the plan was made, with reasons (JSON array).
    public var skipped: String

    static let selectSQL = """
        SELECT p.id, t.name, p.tenant, p.kind, p.tag, p.comment, p.selection, p.requested_by, p.client_id,
               p.api_base_url, p.created_at, p.devices, p.skipped
        FROM outbox_plans p JOIN tenants t ON t.id = p.tenant
        """

    init(row: Row) {
        id = row["id"]
        tenant = row["name"]
        tenantId = row["tenant"]
        kind = OutboxKind(rawValue: row["kind"]) ?? .offboard
        tag = row["tag"]
        comment = row["comment"]
        selection = row["selection"]
        requestedBy = row["requested_by"]
        clientId = row["client_id"]
        apiBaseURL = row["api_base_url"]
        createdAt = row["created_at"]
        devices = row["devices"]
        skipped = row["skipped"]
    }
}

/// One step to append for one device.
struct StepRecord: Sendable {
    var machineId: String
    var step: OutboxStep
    var call: Int? = nil
    var actionId: String? = nil
    var actionJSON: String? = nil
    var reconciled = false
    var httpStatus: Int? = nil
    var errorCode: String? = nil
    var message: String? = nil
}
