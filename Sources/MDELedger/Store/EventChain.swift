import Crypto
import Foundation
import MDEAPI

/// The canonical encoding and hash of ledger events.
///
/// `hash = SHA-256(prev_hash ‖ envelope)`. The envelope is a JSON object over every column except the two
/// hashes, keys in sorted order; the payload column is canonical JSON text and is embedded as-is.
///
/// - Format 2 (events from `ledger_formats.first_event` on): the envelope and the payload are RFC 8785 (JCS)
///   text, so `json_object(…)` in sqlite3 or any JCS serialiser reproduces it (see docs/verify.md).
/// - Format 1 (older events): the same layout, but strings in the envelope escape U+0008 and U+000C as
///   `\u0008` / `\u000c`; kept so ledgers written before format 2 keep verifying.
public enum EventChain {
    /// The `prev_hash` of the very first event.
    public static let genesis = String(repeating: "0", count: 64)
    /// The format new events are written in.
    public static let currentFormat = 2

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

        public init(
            seq: Int64, tenant: Int64?, run: Int64?, occurredAt: String, recordedAt: String, kind: String,
            subject: String, payload: String
        ) {
            (self.seq, self.tenant, self.run, self.occurredAt, self.recordedAt) = (
                seq, tenant, run, occurredAt, recordedAt
            )
            (self.kind, self.subject, self.payload) = (kind, subject, payload)
        }
    }

    /// The canonical envelope text of one event in the given format.
    public static func envelope(_ f: Fields, format: Int = currentFormat) -> String {
        func quoted(_ text: String) -> String {
            format >= 2 ? JSONValue.string(text).canonicalText() : quotedV1(text)
        }
        func number(_ value: Int64?) -> String { value.map(String.init) ?? "null" }
        return "{\"kind\":\(quoted(f.kind)),\"occurred_at\":\(quoted(f.occurredAt)),\"payload\":\(f.payload),"
            + "\"recorded_at\":\(quoted(f.recordedAt)),\"run\":\(number(f.run)),\"seq\":\(f.seq),"
            + "\"subject\":\(quoted(f.subject)),\"tenant\":\(number(f.tenant))}"
    }

    /// The hash of an event given the previous event's hash.
    public static func hash(prev: String, _ fields: Fields, format: Int = currentFormat) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(prev.utf8))
        hasher.update(data: Data(envelope(fields, format: format).utf8))
        return hasher.finalize().hexString
    }

    /// Format 1's string literal, frozen: it hashes every event written before format 2.
    static func quotedV1(_ text: String) -> String {
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
