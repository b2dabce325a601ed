import Foundation
import MDETestSupport
import Testing

/// Questions never write: `devices`, `status` and `verify` answer from a copy its owner cannot write, leave its
/// bytes unchanged, and print the chain head that `verify --head` proves later.
@Suite struct ReadOnlyQuestionTests {
    @Test func aReadOnlyCopyAnswersAndStaysUnchanged() async throws {
        let scratch = try TemporaryFolder()
        try await withSimulator(.init(devices: 60)) { sim in
            let sync = try await CLIRunner.run(
                ["sync", "--no-progress"], environment: sim.environment, directory: scratch.url)
            #expect(sync.status == 0, "\(sync.stderr)")
        }
        let copy = scratch.path("copy.sqlite")
        try FileManager.default.copyItem(atPath: scratch.path("mde-ledger.sqlite"), toPath: copy)
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: copy)
        let before = try Self.digest(copy)

        let devices = try await CLIRunner.run(["devices", "--db", copy, "--format", "json"], directory: scratch.url)
        #expect(devices.status == 0, "\(devices.stderr)")
        let list = try JSONSerialization.jsonObject(with: Data(devices.stdout.utf8)) as? [[String: Any]]
        let id = try #require(list?.first?["id"] as? String)

        let past = try await CLIRunner.run(
            ["devices", "--db", copy, "--as-of", "2020-01-01T00:00:00Z"], directory: scratch.url)
        #expect(past.status == 0, "\(past.stderr)")

        let status = try await CLIRunner.run(["status", "--db", copy, id], directory: scratch.url)
        #expect([0, 2].contains(status.status), "\(status.stderr)")
        let headLine = try #require(status.stdout.split(separator: "\n").first { $0.hasPrefix("ledger:   head ") })
        let head = String(headLine.dropFirst("ledger:   head ".count).prefix { $0 != " " })
        #expect(status.stdout.contains("document as of"))

        let verify = try await CLIRunner.run(["verify", "--db", copy, "--head", head], directory: scratch.url)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("head: \(head)"))
        #expect(verify.stdout.contains("still holds head \(head)"))

        let json = try await CLIRunner.run(["verify", "--db", copy, "--json"], directory: scratch.url)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["ok"] as? Bool == true && object?["head"] as? String == head)

        // As root the mode alone would not stop a write, so the bytes are the proof.
        #expect(try Self.digest(copy) == before)
        #expect(!FileManager.default.fileExists(atPath: copy + "-journal"))
    }

    @Test func aHeadTheLedgerNoLongerHoldsFails() async throws {
        let scratch = try TemporaryFolder()
        let db = scratch.path("l.sqlite")
        #expect(try await CLIRunner.run(["init", "--db", db], directory: scratch.url).status == 0)
        let wrong = "1:" + String(repeating: "0", count: 64)
        let result = try await CLIRunner.run(["verify", "--db", db, "--head", wrong], directory: scratch.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("head \(wrong) is gone"))
        let bad = try await CLIRunner.run(["verify", "--db", db, "--head", "nonsense"], directory: scratch.url)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("is not SEQ:HASH"))
    }

    private static func digest(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
}
