import Foundation
import GRDB
import MDETestSupport
import Testing

/// The commands that record something keep the default answer (migration 0016), and every report, `devices` and
/// `status` say the same from it as from the history it was worked out from.
@Suite struct KeptAnswersCLITests {
    /// What the scenario's questions print: every report in JSON, the device list, and three devices' status.
    private func answers(_ db: String, ids: [String]) async throws -> [String] {
        var outputs: [String] = []
        for report in ReportScenario.reports {
            let result = try await CLIRunner.run(
                ["report", report, "--db", db, "--format", "json"] + ReportScenario.pinned(report),
                environment: ReportScenario.clock)
            #expect(result.status == 0, "\(report): \(result.stderr)")
            outputs.append(result.stdout)
        }
        var questions = [["devices", "--db", db, "--format", "json"]]
        questions += ids.map { ["status", $0, "--db", db, "--json"] }
        for question in questions {
            let result = try await CLIRunner.run(question, environment: ReportScenario.clock)
            // `status` exits 2 for a device with a finding.
            #expect(result.status == 0 || result.status == 2, "\(question): \(result.stderr)")
            outputs.append("exit \(result.status)\n" + result.stdout)
        }
        return outputs
    }

    /// The kept head and the ledger's head.
    private func heads(_ db: String) throws -> (kept: Int64?, ledger: Int64) {
        try DatabaseQueue(path: db).read { db in
            (
                try Int64.fetchOne(db, sql: "SELECT head_seq FROM kept_answers_head"),
                try Int64.fetchOne(db, sql: "SELECT max(seq) FROM events") ?? 0
            )
        }
    }

    @Test func questionsAnswerTheSameFromKeptAnswersAndFromHistory() async throws {
        let scratch = try TemporaryFolder()
        try await withSimulator(ReportScenario.configuration) { sim in
            let db = try await ReportScenario.build(in: scratch, sim)
            let after = try heads(db)
            #expect(after.kept == after.ledger, "the last sync kept the answer at the head")
            let listed = try await CLIRunner.run(
                ["devices", "--db", db, "--format", "json"], environment: ReportScenario.clock)
            let rows = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
            let ids = [rows.first, rows.dropFirst(rows.count / 2).first, rows.last].compactMap { $0?["id"] as? String }
            #expect(ids.count == 3)
            let kept = try await answers(db, ids: ids)

            try await DatabaseQueue(path: db).write { db in try db.execute(sql: "DELETE FROM kept_answers_head") }
            let worked = try await answers(db, ids: ids)
            #expect(kept.count == worked.count)
            for (a, b) in zip(kept, worked) { #expect(a == b) }

            // A command that records something keeps the answer again.
            try await ReportScenario.expectOK(
                ["tenant", "set", "--db", db, "default", "stale_hours", "36"], sim)
            let refreshed = try heads(db)
            #expect(refreshed.kept == refreshed.ledger && refreshed.ledger > after.ledger)
            let verified = try await CLIRunner.run(["verify", "--db", db], environment: ReportScenario.clock)
            #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        }
    }
}
