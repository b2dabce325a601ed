import Crypto
import Foundation

/// The canonical encoding and hash of ledger events.
///
/// `hash = SHA-256(prev_hash ‖ envelope)`, where the envelope is compact JSON with sorted keys over every
/// column except the two hashes. The payload column is already canonical JSON text and is embedded as-is,
/// so verification never depends on re-serialising a payload the same way twice.
public enum EventChain {
    /// The `prev_hash` of the very first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// The fields an event's hash covers.
    public struct Fields: Sendable, Hashable {
        public var seq: Int64
        public var tenant: Int64?
        public var run: Int64?
        public var occurredAt: String
        public var recordedAt: String
        public var kind: String
        public var subject: String
        public var payload: String
    }

    /// The canonical envelope text of one event.
    public static func envelope(_ f: Fields) -> String {
        func number(_ value: Int64?) -> String { value.map(String.init) ?? "null" }
        return "{\"kind\":\(quoted(f.kind)),\"occurred_at\":\(quoted(f.occurredAt)),\"payload\":\(f.payload),"
            + "\"recorded_at\":\(quoted(f.recordedAt)),\"run\":\(number(f.run)),\"seq\":\(f.seq),"
            + "\"subject\":\(quoted(f.subject)),\"tenant\":\(number(f.tenant))}"
    }

    /// The hash of an event given the previous event's hash.
    public static func hash(prev: String, _ fields: Fields) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(prev.utf8))
        hasher.update(data: Data(envelope(fields).utf8))
        return hasher.finalize().hexString
    }

    /// A JSON string literal. Written here rather than borrowed from a JSON library so the bytes that are
    /// hashed can never change with a dependency's formatting choices.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
