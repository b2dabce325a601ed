import Foundation
import GRDB
import MDEAPI

/// What one run's commit knows and counts while it writes a staged snapshot into the ledger.
final class SnapshotContext {
    let db: Database
    let tenant: Int64
    let run: Int64
    let observedAt: String
    /// The staged machines are the whole tenant: devices missing from them are marked removed.
    let complete: Bool
    let events: EventAppender
    var observationsWritten = 0
    var sightingsWritten = 0
    var actionObservationsWritten = 0
    var discovered = 0
    var changed = 0
    var removed = 0
    var reappeared = 0
    var actionsNew = 0
    var actionStatusChanges = 0
    var transitions = 0
    var warnings: [String] = []

    init(db: Database, tenant: Int64, run: Int64, observedAt: String, complete: Bool, clock: LedgerClock) throws {
        self.db = db
        self.tenant = tenant
        self.run = run
        self.observedAt = observedAt
        self.complete = complete
        self.events = try EventAppender(db, clock: clock)
    }

    /// Appends an event about this run's tenant at the snapshot's time.
    func event(_ kind: String, subject: String, _ payload: [String: JSONValue]) throws {
        try events.append(
            kind: kind, subject: subject, tenant: tenant, run: run, occurredAt: observedAt, payload: .object(payload))
    }
}

extension DatabaseValue {
    /// A column value as JSON for an event payload.
    var json: JSONValue {
        switch storage {
        case .null: .null
        case .int64(let v): .int(v)
        case .double(let v): .double(v)
        case .string(let v): .string(v)
        case .blob(let v): .string(v.base64EncodedString())
        }
    }
}
