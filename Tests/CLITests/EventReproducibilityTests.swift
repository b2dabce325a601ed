import Foundation
import MDETestSupport
import Testing

/// The ledger's clock is passed in (`MDE_LEDGER_TEST_CLOCK` for the CLI), so the same inputs on the same clock give
/// the same chain: event hashes can be pinned instead of masked.
@Suite struct EventReproducibilityTests {
    /// Builds a ledger in a new folder from the same files, by relative path, on a ledger clock fixed at `clock`,
    /// and returns `verify`'s head line.
    static func build(clock: String = "2026-05-20T00:00:00Z") async throws -> String {
        let folder = try TemporaryFolder()
        for name in ["machines-list.json", "odata-machineactions-requestor-and-type.json"] {
            try FileManager.default.copyItem(atPath: TestFiles.corrected(name), toPath: folder.path(name))
        }
        let steps = [
            ["init"],
            ["import", "machines", "--observed-at", "2026-05-14T00:00:00Z", "machines-list.json"],
            [
                "import", "actions", "--observed-at", "2026-05-14T00:00:00Z",
                "odata-machineactions-requestor-and-type.json",
            ],
            ["tenant", "set", "default", "stale_hours", "96"],
            ["verify"],
        ]
        var last = ""
        for step in steps {
            let result = try await CLIRunner.run(
                step, environment: ["MDE_LEDGER_TEST_CLOCK": clock], directory: folder.url)
            try #require(result.status == 0, "\(step.joined(separator: " ")): \(result.stderr)")
            last = result.stdout
        }
        return try #require(last.split(separator: "\n").first { $0.hasPrefix("head: ") }.map(String.init))
    }

    @Test func theSameFilesOnTheSameClockGiveTheSameHead() async throws {
        let first = try await Self.build()
        let second = try await Self.build()
        #expect(first == second)
        // Pinned: a change to what any event records, or how it is hashed, shows here (update it deliberately).
        #expect(first == "head: 7:c03bd2d095f8e36b4759a55e2cc9c8a735233fc6fe18c40678a8d2cbac729dcb")
        // The clock reaches every recorded time, so another one is another chain.
        #expect(try await Self.build(clock: "2026-05-21T00:00:00Z") != first)
    }

    @Test func aClockThatIsNotATimeIsAUsageError() async throws {
        let folder = try TemporaryFolder()
        let result = try await CLIRunner.run(
            ["init"], environment: ["MDE_LEDGER_TEST_CLOCK": "yesterday"], directory: folder.url)
        #expect(result.status == 64)
        #expect(result.stderr.contains("MDE_LEDGER_TEST_CLOCK=yesterday is not a UTC time"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("mde-ledger.sqlite")), "nothing was written")
    }
}
