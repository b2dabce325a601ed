import Logging
import MDELedger
import PostgresNIO

extension PostgresLedger {
    /// What `verify` checks on PostgreSQL so far: the migrations against this binary's, and the whole event chain
    /// with SQLite's own rules (`ChainWalk`), and an earlier head. The other checks of SQLite's verify (run digests,
    /// documents, derived state, settings, the outbox) are listed in `notes` as not run.
    public func verify(head expectedHead: (seq: Int64, hash: String)? = nil) async throws -> VerifyReport {
        var report = VerifyReport()
        do {
            let status = try await migrationStatus()
            report.schemaVersion = status.filter { $0.state == .applied }.count
            if status.contains(where: { $0.state == .pending }) {
                report.problems.append("the PostgreSQL ledger has pending migrations; run 'mde-ledger init --db URL'")
                return report
            }
        } catch let error as MigrationError {
            report.problems.append(error.description)
            return report
        }
        let logger = self.logger
        try await client.withConnection { connection in
            let firstV2 =
                try await connection.query(
                    "SELECT first_event FROM ledger_formats WHERE format = 2", logger: logger
                ).collect().first?.decode(Int64.self) ?? .max
            var walk = ChainWalk(firstV2Event: firstV2)
            let rows = try await connection.query(
                """
                SELECT seq, tenant, run, occurred_at, recorded_at, kind, subject, payload, prev_hash, hash
                FROM events ORDER BY seq
                """, logger: logger)
            var broken = false
            for try await (seq, tenant, run, occurredAt, recordedAt, kind, subject, payload, prevHash, hash)
                in rows
                .decode((Int64, Int64?, Int64?, String, String, String, String, String, String, String).self)
            {
                // After the first broken link the rows are read to the end and dropped: the query finishes cleanly.
                guard !broken else { continue }
                let fields = EventChain.Fields(
                    seq: seq, tenant: tenant, run: run, occurredAt: occurredAt, recordedAt: recordedAt, kind: kind,
                    subject: subject, payload: payload)
                if let problem = walk.next(fields, prevHash: prevHash, hash: hash) {
                    report.problems.append(problem)
                    broken = true
                }
            }
            report.eventsChecked = walk.checked
            (report.headSeq, report.headHash) = walk.head
            if let expectedHead {
                let found = try await connection.query(
                    "SELECT hash FROM events WHERE seq = \(expectedHead.seq)", logger: logger
                ).collect().first?.decode(String.self)
                if let problem = ChainWalk.headProblem(expected: expectedHead, found: found) {
                    report.problems.append(problem)
                }
            }
        }
        report.notes.append(
            "on PostgreSQL, verify checks the migrations and the event chain only so far; run digests, stored "
                + "documents, derived state, settings and the outbox are checked on SQLite (docs/postgres.md)")
        return report
    }
}
