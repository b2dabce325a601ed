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
    /// The exact Comment sent to MDE (names the plan and the requester); nil on plans made before migration 0007.
    public var sentComment: String?
    /// The plan as approved, as stored (canonical JSON; nil on plans made before migration 0007).
    public var documentText: String?
    public var documentSHA256: String?

    /// The plan as approved, decoded on demand (a plan listing does not need every device of every plan).
    public var document: PlanDocument? {
        documentText.flatMap { try? JSONDecoder().decode(PlanDocument.self, from: Data($0.utf8)) }
    }

    /// What each request of this plan carries as its Comment.
    public var commentToSend: String { sentComment ?? comment ?? "" }

    /// `Retired per CHG-1234 (mde-ledger plan 12, requested by alice)`: MDE records only the app as the requestor,
    /// so the person and the plan travel in the comment, and a lost answer is matched only with this plan's action.
    static func sentComment(_ comment: String, plan: Int64, requestedBy: String) -> String {
        "\(comment) (mde-ledger plan \(plan), requested by \(requestedBy))"
    }

    static let selectSQL = """
        SELECT p.id, t.name, p.tenant, p.kind, p.tag, p.comment, p.selection, p.requested_by, p.client_id,
               p.api_base_url, p.created_at, p.devices, p.skipped, p.sent_comment, p.document, p.document_sha256
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
        sentComment = row["sent_comment"]
        documentText = row["document"]
        documentSHA256 = row["document_sha256"]
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
    /// The service's clock (`Date` header) when the call was sent or answered.
    var serviceTime: String? = nil
}
