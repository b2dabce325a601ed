import Crypto
import Foundation
import MDETestSupport
import Testing

/// One row of `Tests/Fixtures/bad-input/cases.tsv` (written by `scripts/make-bad-input`).
struct BadInputCase: Sendable, CustomTestStringConvertible {
    var file: String
    var command: String
    var exit: Int32
    var expected: String

    var testDescription: String { file }

    static let folder = TestFiles.inRepository("Tests/Fixtures/bad-input")

    static let all: [BadInputCase] = {
        let text = (try? String(contentsOfFile: folder + "/cases.tsv", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return BadInputCase(file: fields[0], command: fields[1], exit: Int32(fields[2]) ?? -1, expected: fields[3])
        }
    }()

    var arguments: [String] {
        let path = Self.folder + "/" + file
        switch command {
        case "complete": return ["import", "machines", "--complete", path]
        case "actions": return ["import", "actions", path]
        case "retired": return ["import", "retired", path]
        default: return ["import", "machines", path]
        }
    }
}

/// A small ledger every case starts from: four devices, two of them named `shared`. Built once, copied per case.
actor BaseLedger {
    static let shared = BaseLedger()
    private var built: (folder: TemporaryFolder, path: String)?

    func path() async throws -> String {
        if let built { return built.path }
        let folder = try TemporaryFolder()
        let csv = folder.path("base.csv")
        let rows = [(1, "ws-1"), (2, "ws-2"), (3, "shared"), (4, "shared")].map {
            String(format: "%040x", $0.0) + ",\($0.1),2026-05-01T08:00:00Z\n"
        }
        try ("Device ID,Device Name,Last device update\n" + rows.joined()).write(
            toFile: csv, atomically: true, encoding: .utf8)
        let path = folder.path("base.sqlite")
        let result = try await CLIRunner.run(
            ["import", "machines", "--complete", "--observed-at", "2026-05-02T00:00:00Z", csv, "--db", path])
        #expect(result.status == 0, "\(result.stderr)")
        built = (folder, path)
        return path
    }
}

/// Issue 12: every crafted file is refused with the right exit code and a message naming the file and the place,
/// and the ledger's bytes stay exactly as they were.
@Suite struct BadInputCorpusTests {
    @Test func theCorpusIsLargeAndEveryFileHasACase() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: BadInputCase.folder).filter {
            $0 != "cases.tsv"
        }
        #expect(BadInputCase.all.count >= 60)
        #expect(Set(files) == Set(BadInputCase.all.map(\.file)))
    }

    @Test(arguments: BadInputCase.all)
    func isRefusedAndChangesNothing(_ bad: BadInputCase) async throws {
        let scratch = try TemporaryFolder()
        let ledger = scratch.path("l.sqlite")
        try FileManager.default.copyItem(atPath: try await BaseLedger.shared.path(), toPath: ledger)
        let before = SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: ledger)))
        let result = try await CLIRunner.run(bad.arguments + ["--db", ledger])
        #expect(result.status == bad.exit, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
        #expect(result.stderr.contains(bad.file), "the message names the file: \(result.stderr)")
        #expect(result.stderr.contains(bad.expected), "\(result.stderr)")
        #expect(!result.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "no raw control characters")
        #expect(SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: ledger))) == before)
    }
}
