import Foundation
import GRDB
import MDEAPI

/// Appends hash-chained events inside one write transaction.
///
/// It reads the chain head once and then keeps it in memory, so a run that writes thousands of events
/// does one lookup and one cached INSERT per event.
final class EventAppender {
    private let db: Database
    /// The time every event of this appender is recorded at (one reading of the ledger's clock).
    let recordedAt: String
    private var head: (seq: Int64, hash: String)
    private(set) var written = 0

    /// - Parameter clock: the ledger's clock; every event this appender writes is recorded at one reading of it.
    init(_ db: Database, clock: LedgerClock) throws {
        self.db = db
        self.recordedAt = clock.nowText()
        if let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1") {
            head = (row[0], row[1])
        } else {
            head = (0, EventChain.genesis)
        }
    }

    /// Appends one event. `payload` is stored as canonical JSON.
    func append(
        kind: String, subject: String, tenant: Int64?, run: Int64?, occurredAt: String, payload: JSONValue
    ) throws {
        let fields = EventChain.Fields(
            seq: head.seq + 1, tenant: tenant, run: run, occurredAt: occurredAt, recordedAt: recordedAt,
            kind: kind, subject: subject, payload: payload.canonicalText())
        let hash = EventChain.hash(prev: head.hash, fields)
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO events (seq, tenant, run, occurred_at, recorded_at, kind, subject, payload, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            fields.seq, tenant, run, occurredAt, recordedAt, kind, subject, fields.payload, head.hash, hash,
        ])
        head = (fields.seq, hash)
        written += 1
    }
}
