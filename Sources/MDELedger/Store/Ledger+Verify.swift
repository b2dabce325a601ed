import Foundation
import GRDB

/// What `verify` found.
public struct VerifyReport: Sendable {
    public var schemaVersion = 0
    public var eventsChecked = 0
    public var runsChecked = 0
    /// Hash of the last event: record it elsewhere (an audit report) to detect truncation of the log later.
    public var headHash = EventChain.genesis
    /// Every problem found, the first broken event first. Empty means the ledger verified.
    public var problems: [String] = []
    public var ok: Bool { problems.isEmpty }
}

extension Ledger {
    /// Recomputes the schema checksums, the event hash chain and each run's observation digest.
    public func verify() throws -> VerifyReport {
        try dbQueue.read { db in
            var report = VerifyReport()
            do {
                _ = try Migrator().status(db)
                report.schemaVersion = try Migrator().currentVersion(db)
            } catch let error as MigrationError {
                report.problems.append(error.description)
            }
            report.problems += try SchemaCheck.differences(db)
            try verifyChain(db, into: &report)
            try verifyDigests(db, into: &report)
            return report
        }
    }

    private func verifyChain(_ db: Database, into report: inout VerifyReport) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT seq, tenant, run, occurred_at, recorded_at, kind, subject, payload, prev_hash, hash
                FROM events ORDER BY seq
                """)
        var previous: (seq: Int64, hash: String) = (0, EventChain.genesis)
        while let row = try rows.next() {
            let fields = EventChain.Fields(
                seq: row[0], tenant: row[1], run: row[2], occurredAt: row[3], recordedAt: row[4],
                kind: row[5], subject: row[6], payload: row[7])
            let prevHash: String = row[8]
            let hash: String = row[9]
            let name = "event \(fields.seq) (\(fields.kind) \(fields.subject))"
            if fields.seq != previous.seq + 1 {
                report.problems.append(
                    "first broken link: events \(previous.seq + 1)…\(fields.seq - 1) are missing before \(name)")
                return
            }
            if prevHash != previous.hash {
                report.problems.append("first broken link: \(name) does not chain to event \(previous.seq)")
                return
            }
            if EventChain.hash(prev: prevHash, fields) != hash {
                report.problems.append("first broken link: \(name) was altered; its hash does not match its contents")
                return
            }
            previous = (fields.seq, hash)
            report.eventsChecked += 1
        }
        report.headHash = previous.hash
    }

    private func verifyDigests(_ db: Database, into report: inout VerifyReport) throws {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT seq, run, json_extract(payload, '$.observations_sha256') FROM events
                WHERE kind = 'run_committed' ORDER BY seq
                """)
        for row in rows {
            let run: Int64 = row[1]
            let expected: String? = row[2]
            guard let expected else { continue }
            if try RunDigest.compute(db, run: run) != expected {
                report.problems.append(
                    "observations of run \(run) were altered after commit (digest in event \(row[0] as Int64) differs)")
            }
            report.runsChecked += 1
        }
    }
}
