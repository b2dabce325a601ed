import Foundation
import MDETestSupport
import Testing

/// The cron file and systemd units in contrib/ are the ones the README shows, and systemd accepts the units.
@Suite struct ContribTests {
    static let units = [
        "mde-ledger-sync.service", "mde-ledger-sync.timer", "mde-ledger-report.service", "mde-ledger-report.timer",
    ]

    @Test func theReadmeShowsTheContribFilesAsTheyAre() throws {
        let readme = try String(contentsOfFile: TestFiles.inRepository("README.md"), encoding: .utf8)
        let cron = try String(contentsOfFile: TestFiles.inRepository("contrib/cron/mde-ledger"), encoding: .utf8)
        #expect(readme.contains(cron), "README's cron block differs from contrib/cron/mde-ledger")
        for unit in Self.units {
            let text = try String(contentsOfFile: TestFiles.inRepository("contrib/systemd/\(unit)"), encoding: .utf8)
            #expect(readme.contains("# /etc/systemd/system/\(unit)\n" + text), "README's \(unit) differs")
        }
    }

    /// `systemd-analyze verify` on the units, with ExecStart pointing at the built binary (verify checks that it
    /// is executable); a broken copy is refused, so the check can fail.
    @Test func systemdAcceptsTheUnits() throws {
        let folder = try TemporaryFolder()
        for unit in Self.units {
            let text = try String(contentsOfFile: TestFiles.inRepository("contrib/systemd/\(unit)"), encoding: .utf8)
            try text.replacingOccurrences(of: "/usr/local/bin/mde-ledger", with: CLIRunner.binary.path)
                .write(toFile: folder.path(unit), atomically: true, encoding: .utf8)
        }
        let good = try Self.verify(Self.units.map(folder.path))
        #expect(good.status == 0 && good.output.isEmpty, "\(good.output)")
        let timer = folder.path("mde-ledger-sync.timer")
        try String(contentsOfFile: timer, encoding: .utf8)
            .replacingOccurrences(of: "06:15:00 UTC", with: "quarter past six")
            .write(toFile: timer, atomically: true, encoding: .utf8)
        let bad = try Self.verify([timer])
        #expect(bad.status != 0, "\(bad.output)")
    }

    static func verify(_ paths: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["systemd-analyze", "verify"] + paths
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
