import Foundation
import MDETestSupport
import Testing

/// `mde-ledger demo` on a small tenant: monthly reports, a summary with findings and a device's evidence, a
/// ledger that verifies, and the same story again from the same seed.
@Suite struct DemoCommandTests {
    static let arguments = ["--devices", "300", "--months", "2", "--seed", "7"]

    @Test func aSmallDemoTellsTheStoryAndRepeatsItself() async throws {
        let scratch = try TemporaryFolder()
        let out = scratch.path("demo")
        let first = try await CLIRunner.run(["demo", "--out", out] + Self.arguments)
        #expect(first.status == 0, "\(first.stderr)")
        for month in ["2026-11", "2026-12"] {
            for format in ["md", "csv", "html"] {
                let path = "\(out)/reports/license-compliance-\(month).\(format)"
                #expect(FileManager.default.fileExists(atPath: path), "\(path)")
            }
        }
        // The first retirements come from Intune, through the sync's Graph step; the asset system's list stays a CSV.
        #expect(FileManager.default.fileExists(atPath: "\(out)/retired-2.csv"))
        #expect(!FileManager.default.fileExists(atPath: "\(out)/retired-1.csv"))
        #expect(first.stdout.contains("retired in Intune: "), "\(first.stdout)")
        #expect(first.stdout.contains("retired in Intune or Entra (Intune's retirements, through Graph)"))
        let licences = try String(contentsOfFile: "\(out)/reports/license-compliance-2026-12.md", encoding: .utf8)
        #expect(licences.contains("| per user |") && licences.contains("licensed users with reporting devices"))
        #expect(first.stdout.contains("offboard --retired --dry-run:"))
        #expect(first.stdout.contains("== summary: findings as of 2026-12-31T23:59:59Z"))
        #expect(first.stdout.contains("still-reporting") && first.stdout.contains("  finding"))
        #expect(first.stdout.contains("FINDING: still sending telemetry"))
        #expect(first.stdout.contains("== mde-ledger status ") && first.stdout.contains("evidence:"))
        #expect(first.stdout.contains("sqlite3 \(out)/mde-ledger.sqlite"))
        let db = "\(out)/mde-ledger.sqlite"
        let verify = try await CLIRunner.run(["verify", "--db", db])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let before = try await Self.contents(out)

        // An earlier demo folder is replaced; the same seed writes the same ledger and reports.
        let second = try await CLIRunner.run(["demo", "--out", out] + Self.arguments)
        #expect(second.status == 0, "\(second.stderr)")
        let after = try await Self.contents(out)
        #expect(before.keys.count == 7)
        for (name, text) in before { #expect(after[name] == text, "\(name) differs between two runs with seed 7") }
    }

    @Test func aFolderThatIsNotADemoFolderIsRefused() async throws {
        let scratch = try TemporaryFolder()
        try "keep me".write(toFile: scratch.path("notes.txt"), atomically: true, encoding: .utf8)
        let result = try await CLIRunner.run(["demo", "--out", scratch.path("")] + Self.arguments)
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: ") && result.stderr.contains("not an earlier demo folder"))
        #expect(try String(contentsOfFile: scratch.path("notes.txt"), encoding: .utf8) == "keep me")
    }

    /// The device list and every report body, without the lines that name the run's own local time.
    static func contents(_ out: String) async throws -> [String: String] {
        let devices = try await CLIRunner.run(["devices", "--db", "\(out)/mde-ledger.sqlite", "--format", "csv"])
        #expect(devices.status == 0 || devices.status == 2, "\(devices.stderr)")
        var result = ["devices.csv": devices.stdout]
        let reports = "\(out)/reports"
        for name in try FileManager.default.contentsOfDirectory(atPath: reports) {
            let text = try String(contentsOfFile: "\(reports)/\(name)", encoding: .utf8)
            result[name] = text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.contains("generated ") }.joined(separator: "\n")
        }
        return result
    }
}
