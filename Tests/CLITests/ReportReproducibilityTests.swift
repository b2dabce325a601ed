import Foundation
import MDETestSupport
import Testing

/// A report as of T is a function of the history the ledger held at T: produced again later it has the same
/// bytes, apart from the generation line (and, in JSON, the fields of that line: generatedAt and the ledger head).
@Suite struct ReportReproducibilityTests {
    @Test func everyReportIsReproducedAsOfTheFirstTime() async throws {
        let scratch = try TemporaryFolder()
        try await withSimulator(ReportScenario.configuration) { sim in
            let db = try await ReportScenario.build(in: scratch, sim)
            var first: [String: String] = [:]
            var asOf = ""
            for report in ReportScenario.reports {
                for format in ["csv", "md", "json", "html"] {
                    let result = try await CLIRunner.run(
                        ["report", report, "--db", db, "--format", format] + ReportScenario.pinned(report))
                    #expect(result.status == 0, "\(result.stderr)")
                    first["\(report).\(format)"] = result.stdout
                    if format == "md" { asOf = String(result.stdout.firstMatch(of: /- as of: (\S+)/)?.1 ?? "") }
                }
            }
            #expect(asOf == "2026-10-27T09:00:00Z")
            sim.simulator.advanceClock(by: 9 * 86_400)
            try await ReportScenario.expectOK(["sync", "--db", db], sim)
            let more = scratch.path("more.json")
            try
                #"{"value":[{"id":"0123456789abcdef0123456789abcdef01234567","computerDnsName":"late","lastSeen":"2026-11-04T00:00:00Z"}]}"#
                .write(toFile: more, atomically: true, encoding: .utf8)
            try await ReportScenario.expectOK(
                ["import", "machines", "--db", db, "--observed-at", "2026-11-06T00:00:00Z", more], sim)
            var changed = 0
            for (key, text) in first {
                let parts = key.split(separator: ".").map(String.init)
                let now = try await CLIRunner.run(["report", parts[0], "--db", db, "--format", parts[1]])
                if try Self.stable(now.stdout, parts[1]) != Self.stable(text, parts[1]) { changed += 1 }
                let again = try await CLIRunner.run(
                    ["report", parts[0], "--db", db, "--format", parts[1], "--as-of", asOf])
                #expect(try Self.stable(again.stdout, parts[1]) == Self.stable(text, parts[1]), "\(key) as of \(asOf)")
            }
            #expect(changed > 0, "the later history changes the answer as of now")
        }
    }

    /// The output without the generation line (text formats) or the fields that line holds (JSON).
    static func stable(_ text: String, _ format: String) throws -> String {
        guard format == "json" else {
            return text.split(separator: "\n", omittingEmptySubsequences: false).filter {
                !$0.contains("generated ")
            }.joined(separator: "\n")
        }
        var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        object["generatedAt"] = nil
        object["ledger"] = nil
        return String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
