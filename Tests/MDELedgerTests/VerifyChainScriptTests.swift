import Foundation
import MDETestSupport
import Testing

@testable import MDELedger

/// `scripts/verify-chain` recomputes the chain with sqlite3 and sha256sum alone (docs/verify.md); it must agree
/// with `verify` on a real ledger — including names with control characters, quotes and non-ASCII text — and
/// name an altered event.
@Suite struct VerifyChainScriptTests {
    @Test func theAuditorsScriptAgreesWithVerify() async throws {
        let t = try await TamperLedger.make()
        try await LedgerFixtures.commit(
            t.ledger, machines: [try LedgerFixtures.machine(String(repeating: "d", count: 40), name: #"w\b\f\"é😀"#)],
            observedAt: "2026-11-04T09:00:00Z", complete: false)
        _ = try t.ledger.setTenant("default", key: "stale_hours", value: "72")
        let report = try t.ledger.verify()
        #expect(report.ok, "\(report.problems)")
        let (status, output) = try Self.script(t.ledger.path)
        #expect(status == 0, "\(output)")
        #expect(output.contains("head \(report.head)"), "\(output)")
        #expect(output.contains("\(report.headSeq) recomputed"), "\(output)")
    }

    @Test func theScriptNamesAnAlteredEvent() async throws {
        let t = try await TamperLedger.make()
        try t.tamper("UPDATE events SET payload = json_set(payload, '$.to', 'active') WHERE seq = 5")
        let (status, output) = try Self.script(t.ledger.path)
        #expect(status == 1)
        #expect(output.contains("event 5 was altered"), "\(output)")
    }

    /// Item 8: one `ledger_formats` edit used to make the script recompute nothing; it no longer reads that table.
    @Test func anEditedFormatsTableDoesNotSwitchTheScriptOff() async throws {
        let t = try await TamperLedger.make()
        try t.tamper(
            """
            UPDATE ledger_formats SET first_event = 1000000 WHERE format = 2;
            UPDATE events SET payload = json_set(payload, '$.to', 'active') WHERE seq = 5;
            """)
        let (status, output) = try Self.script(t.ledger.path)
        #expect(status == 1)
        #expect(output.contains("event 5 was altered"), "\(output)")
    }

    private static func script(_ ledger: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [TestFiles.inRepository("scripts/verify-chain"), ledger]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
