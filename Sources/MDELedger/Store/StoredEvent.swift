import GRDB

/// One row of `events` as `verify` reads it: the hashed fields, the link to the previous event and the hash.
///
/// One column list for the SELECT and the decoder, read by name, so the two cannot drift apart.
struct StoredEvent {
    var fields: EventChain.Fields
    var prevHash: String
    var hash: String

    /// Every event; add a `WHERE` and an `ORDER BY`.
    static let selectSQL =
        "SELECT seq, tenant, run, occurred_at, recorded_at, kind, subject, payload, prev_hash, hash FROM events"

    init(row: Row) {
        fields = EventChain.Fields(
            seq: row["seq"], tenant: row["tenant"], run: row["run"], occurredAt: row["occurred_at"],
            recordedAt: row["recorded_at"], kind: row["kind"], subject: row["subject"], payload: row["payload"])
        prevHash = row["prev_hash"]
        hash = row["hash"]
    }
}
