import Foundation
import GRDB
import MDETestSupport
import Testing

@testable import MDELedger

/// Issue 18's principle: an answer about any time, as known at head H, is what the ledger gave when H was its
/// head, whatever was recorded later (back-dated settings, back-dated retirements, later runs).
@Suite struct KnownAtTests {
    private func answer(_ ledger: Ledger, asOf: String?, knownAt: KnownAt? = nil) throws -> String {
        let rows = try ledger.deviceStates(tenant: nil, asOf: asOf, knownAt: knownAt)
        return try DeviceListOutput.render(rows, format: .csv, withTenant: true)
    }

    @Test func answersAsKnownAtAnEarlierHeadDoNotChange() async throws {
        let t = try await TamperLedger.make()
        let head = try t.ledger.verify()
        let issuedDefault = try answer(t.ledger, asOf: nil)
        let issuedPast = try answer(t.ledger, asOf: "2026-11-03T09:00:00Z")
        let issuedEarly = try answer(t.ledger, asOf: "2026-11-01T09:00:00Z")

        // Corrections recorded later: a back-dated threshold, a back-dated retirement, a later sync.
        _ = try t.ledger.setTenant("default", key: "stale_hours", value: "1", effectiveAt: "2026-10-01T00:00:00Z")
        let csv = t.folder.path("late.csv")
        try "device,retired_on\nws-c,2026-10-15\n".write(toFile: csv, atomically: true, encoding: .utf8)
        _ = try t.ledger.importRetirements(path: csv, tenant: TenantSelection(name: nil))
        try await LedgerFixtures.commit(
            t.ledger,
            machines: [try LedgerFixtures.machine(TamperLedger.a, name: "ws-a", lastSeen: "2026-11-04T08:00:00Z")],
            observedAt: "2026-11-04T09:00:00Z", complete: false)

        #expect(try answer(t.ledger, asOf: "2026-11-03T09:00:00Z") != issuedPast, "the corrections change the past")
        let known = try t.ledger.knownAt(head.head)
        #expect(try answer(t.ledger, asOf: "2026-11-03T09:00:00Z", knownAt: known) == issuedPast)
        #expect(try answer(t.ledger, asOf: "2026-11-01T09:00:00Z", knownAt: known) == issuedEarly)
        #expect(try answer(t.ledger, asOf: nil, knownAt: known) == issuedDefault, "the default time is the head's")
        #expect(try t.ledger.knownAt(String(head.headSeq)) == known)
    }

    /// `status` as known at a head: the verdict, the evidence and the head it names are what it said then.
    @Test func aStatusGivenEarlierIsReproduced() async throws {
        let t = try await TamperLedger.make()
        let head = try t.ledger.verify()
        func statuses(_ knownAt: KnownAt?) throws -> [String] {
            try [TamperLedger.a, TamperLedger.b, TamperLedger.c].map {
                try t.ledger.deviceStatus($0, tenant: nil, asOf: "2026-11-03T09:00:00Z", knownAt: knownAt).text()
            }
        }
        let issued = try statuses(nil)
        _ = try t.ledger.setTenant("default", key: "stale_hours", value: "1", effectiveAt: "2026-10-01T00:00:00Z")
        let csv = t.folder.path("late.csv")
        try "device,retired_on\nws-c,2026-10-15\n".write(toFile: csv, atomically: true, encoding: .utf8)
        _ = try t.ledger.importRetirements(path: csv, tenant: TenantSelection(name: nil))
        #expect(try statuses(nil) != issued)
        #expect(try statuses(try t.ledger.knownAt(head.head)) == issued)
        // Today's answer names the corrections that changed it; a device they did not touch says none.
        let c = try statuses(nil)[2]
        #expect(c.contains("corrections: 2 recorded since event"), "\(c)")
        #expect(c.contains("retirement of \(TamperLedger.c) from 2026-10-15T00:00:00Z"))
        #expect(c.contains("stale_hours default → 1 from 2026-10-01T00:00:00Z"))
        // The list also counts the fixture's own retirement of ws-b, recorded after run 2 and dated before it.
        let list = try t.ledger.deviceListCorrections(tenant: nil, asOf: "2026-11-03T09:00:00Z", knownAt: nil)
        #expect(list["default"]?.items.count == 3, "\(String(describing: list))")
    }

    /// Every report, in every format, as of a time: after back-dated corrections and later runs, the same
    /// `--as-of` as known at the head printed on the issued report is byte-identical to it.
    @Test func everyReportIssuedEarlierIsReproducedByteForByte() async throws {
        let t = try await TamperLedger.make()
        let catalogue = try ReportCatalogue()
        let asOf = "2026-11-03T09:00:00Z"
        func render(_ knownAt: KnownAt?) throws -> [String: String] {
            var out: [String: String] = [:]
            for report in catalogue.reports {
                let result = try t.ledger.runReport(
                    report, tenant: nil, asOf: asOf, toolVersion: "test", generatedAt: "2026-11-05T00:00:00Z",
                    knownAt: knownAt)
                for format in ReportFormat.allCases {
                    out["\(report.name).\(format.rawValue)"] = try result.render(format)
                }
            }
            return out
        }
        let issued = try render(nil)
        let head = try t.ledger.verify()
        _ = try t.ledger.setTenant("default", key: "stale_hours", value: "1", effectiveAt: "2026-10-01T00:00:00Z")
        _ = try t.ledger.setTenant("default", key: "licenses.clients", value: "1", effectiveAt: "2026-10-01T00:00:00Z")
        let csv = t.folder.path("late.csv")
        try "device,retired_on\nws-c,2026-10-15\n".write(toFile: csv, atomically: true, encoding: .utf8)
        _ = try t.ledger.importRetirements(path: csv, tenant: TenantSelection(name: nil))
        try await LedgerFixtures.commit(
            t.ledger,
            machines: [try LedgerFixtures.machine(TamperLedger.a, name: "ws-a", lastSeen: "2026-11-04T08:00:00Z")],
            observedAt: "2026-11-04T09:00:00Z", complete: false)
        let now = try render(nil)
        #expect(now.filter { issued[$0.key] != $0.value }.count > 10, "the corrections change issued reports")
        let reproduced = try render(try t.ledger.knownAt(head.head))
        for (name, text) in issued.sorted(by: { $0.key < $1.key }) {
            #expect(reproduced[name] == text, "\(name) differs as known at \(head.head)")
        }
        // The answer with today's knowledge names each correction, in every format.
        let backlog = try #require(now["still-reporting.md"])
        #expect(backlog.contains("recorded since event"), "\(backlog)")
        #expect(backlog.contains("stale\\_hours default → 1 from 2026-10-01T00:00:00Z"), "\(backlog)")
        #expect(backlog.contains("retirement of \(TamperLedger.c) from 2026-10-15T00:00:00Z"))
        #expect(!backlog.contains("dated 2026-11-04"), "a run after the report's time is no correction")
        let json = try #require(now["still-reporting.json"])
        #expect(
            json.contains("\"what\" : \"tenant:default stale_hours default → 1 from 2026-10-01T00:00:00Z\""), "\(json)")
        #expect(try #require(now["still-reporting.csv"]).contains("# correction: event"))
        #expect(try #require(now["still-reporting.html"]).contains("<dt>Corrections</dt>"))
    }

    @Test func aHeadThatIsNotInTheChainIsRefused() async throws {
        let t = try await TamperLedger.make()
        let head = try t.ledger.verify()
        let forged = "\(head.headSeq):" + String(repeating: "0", count: 64)
        #expect(throws: LedgerError.self) { try t.ledger.knownAt(forged) }
        #expect(throws: LedgerError.self) { try t.ledger.knownAt("\(head.headSeq + 100)") }
        #expect(throws: LedgerError.self) { try t.ledger.knownAt("yesterday") }
    }
}
