import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// The compact history of migration 0006: what each kind of sync writes, and that every document comes back.
@Suite struct HistoryShapeTests {
    @Test(arguments: [
        #"{"id":"a","lastSeen":"2026-11-02T08:13:41.4866667Z","x":1}"#,
        #"{"id":"a","lastSeen":"2026-11-02T08:13:41Z"}"#,
        "{\n  \"name\": \"Zoë 💻\",\n  \"lastSeen\" :\t\"2026-11-02T08:13:41.5Z\"\n}",
    ])
    func aSplitDocumentComesBackByteForByte(raw: String) throws {
        let split = try #require(LastSeenSplit.split(raw))
        #expect(split.document == raw)
        #expect(!split.template.contains("2026-11-02T08:13:41"))
        #expect(UTCTime.format(epochSeconds: split.seconds) == "2026-11-02T08:13:41Z")
    }

    @Test(arguments: [
        #"{"id":"a"}"#,  // no lastSeen
        #"{"lastSeen":"2026-11-02T10:13:41+02:00"}"#,  // an offset: kept whole rather than guessed
        #"{"lastSeen":"2026-11-02T08:13:41Z","tags":["lastSeen"]}"#,  // the key's text twice: which is it?
        #"{"lastSeen":null}"#, #"{"lastSeen":"2026-13-02T08:13:41Z"}"#, #"{"lastSeen":"2026-11-02T08:13:41.Z"}"#,
    ])
    func anUnusualDocumentIsKeptWhole(raw: String) {
        #expect(LastSeenSplit.split(raw) == nil)
    }

    private func counts(_ path: String) throws -> (observations: Int, sightings: Int, documents: Int) {
        try DatabaseQueue(path: path).read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM machine_observations") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM device_sightings") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM raw_documents") ?? 0
            )
        }
    }

    @Test func eachKindOfChangeWritesItsOwnShape() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("ledger.sqlite"), create: true)
        let ids = (1...4).map { String(repeating: "\($0)", count: 40) }
        func day(_ lastSeen: String, risk: String = "Low") throws -> [Machine] {
            try ids.map { id in
                try Machine(
                    json: JSONValue.parse(
                        #"{"id":"\#(id)","computerDnsName":"ws-\#(id.prefix(1))","lastSeen":"\#(lastSeen)","#
                            + #""onboardingStatus":"Onboarded","riskScore":"\#(risk)"}"#))
            }
        }
        let first = try day("2026-11-01T08:00:00.1234567Z")
        try await LedgerFixtures.commit(ledger, machines: first, observedAt: "2026-11-01T09:00:00Z")
        #expect(try counts(ledger.path) == (4, 0, 4))

        let unchanged = try await LedgerFixtures.commit(ledger, machines: first, observedAt: "2026-11-01T10:00:00Z")
        #expect(unchanged.observationsWritten == 0 && unchanged.eventsWritten == 1)
        #expect(try counts(ledger.path) == (4, 0, 4))

        let moved = try day("2026-11-02T08:00:00.7654321Z")
        let daily = try await LedgerFixtures.commit(ledger, machines: moved, observedAt: "2026-11-02T09:00:00Z")
        #expect(daily.observationsWritten == 4)
        #expect(try counts(ledger.path) == (4, 4, 4), "lastSeen only: one narrow row each, no new document")

        let risky = try day("2026-11-03T08:00:00Z", risk: "High")
        try await LedgerFixtures.commit(ledger, machines: risky, observedAt: "2026-11-03T09:00:00Z")
        #expect(try counts(ledger.path) == (8, 4, 8), "any other change of the document is a full row")

        // Flipping back to a document stored before adds no document: storage is content-addressed.
        try await LedgerFixtures.commit(ledger, machines: moved, observedAt: "2026-11-04T09:00:00Z")
        #expect(try counts(ledger.path) == (12, 4, 8))

        for (asOf, sent) in [
            ("2026-11-01T12:00:00Z", first), ("2026-11-02T12:00:00Z", moved), ("2026-11-03T12:00:00Z", risky),
        ] {
            let status = try ledger.deviceStatus(ids[0], tenant: nil, asOf: asOf)
            #expect(status.document == sent[0].raw.canonicalText(), "as of \(asOf)")
        }
        #expect(try ledger.verify().ok)
    }
}
