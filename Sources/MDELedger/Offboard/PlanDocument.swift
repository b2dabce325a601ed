import Crypto
import Foundation
import MDEAPI

/// An offboard plan as an admin approves it: every device with how it was chosen, the comment, the requester and
/// the ledger head it was computed from. `offboard --dry-run --plan-out FILE` writes it with its SHA-256;
/// `offboard --plan FILE` sends exactly its devices or refuses (`PlanApproval`).
public struct PlanDocument: Sendable, Hashable, Codable {
    public static let currentFormat = "mde-ledger offboard plan 1"

    public var format = Self.currentFormat
    public var tenant: String
    public var kind: String
    public var comment: String?
    public var requestedBy: String
    public var selection: JSONValue
    /// The ledger's last event (`seq:hash`) when the plan was computed.
    public var head: String
    /// The snapshot time the device states were read at.
    public var asOf: String?
    /// When the plan was computed (local clock, UTC).
    public var createdAt: String
    public var devices: [PlannedDevice]
    public var skipped: [SkippedDevice]

    /// SHA-256 of the document's RFC 8785 canonical JSON: what an approval names.
    public var sha256: String { Self.sha256(of: canonicalText) }

    /// The SHA-256 of a document's canonical text (when the caller already holds the text).
    static func sha256(of canonicalText: String) -> String {
        SHA256.hash(data: Data(canonicalText.utf8)).hexString
    }

    var canonicalText: String {
        // Encoding a Codable value cannot fail for these member types; parse gives the canonical form's input.
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return ((try? JSONValue.parse(data)) ?? .null).canonicalText()
    }

    /// The plan file: `{"plan": …, "sha256": …}`, indented for a reviewer, keys sorted.
    public func fileText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(PlanFile(plan: self, sha256: sha256)), as: UTF8.self) + "\n"
    }

    /// Reads a plan file and checks that its document still has the SHA-256 written beside it.
    /// - Throws: `PlanRefusal` for a file that is not a plan or was edited after it was written.
    public static func read(_ data: Data, file: String) throws -> PlanDocument {
        let decoded: PlanFile
        do {
            decoded = try JSONDecoder().decode(PlanFile.self, from: data)
        } catch {
            throw PlanRefusal("\(file) is not an offboard plan file; write one with 'offboard … --dry-run --plan-out'")
        }
        guard decoded.plan.format == currentFormat else {
            throw PlanRefusal(
                "\(file) is a plan of format \(ErrorText.quoted(decoded.plan.format)); this version reads "
                    + "\(currentFormat): make the plan again with this version")
        }
        guard decoded.plan.sha256 == decoded.sha256.lowercased() else {
            throw PlanRefusal(
                "\(file) was changed after it was written (its SHA-256 is \(decoded.plan.sha256), the file says "
                    + "\(ErrorText.escaped(decoded.sha256, limit: 80))); make and approve a new plan")
        }
        return decoded.plan
    }

    private struct PlanFile: Codable {
        var plan: PlanDocument
        var sha256: String
    }
}

/// An approved plan that cannot be sent as it is; nothing was sent.
public struct PlanRefusal: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
