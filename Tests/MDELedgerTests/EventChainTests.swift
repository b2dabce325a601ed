import Crypto
import Foundation
import MDEAPI
import Testing

@testable import MDELedger

/// The bytes an event hash covers must never change: ledgers written by earlier versions must still verify.
@Suite struct EventChainTests {
    static let fields = EventChain.Fields(
        seq: 7, tenant: 1, run: 3, occurredAt: "2026-11-02T09:00:00Z", recordedAt: "2026-11-29T10:00:00Z",
        kind: "device_discovered", subject: "ws-\"01\"\n\u{1}",
        payload: #"{"computer_dns_name":"ws-01","last_seen":null}"#)

    @Test func envelopeIsPinned() {
        #expect(
            EventChain.envelope(Self.fields)
                == #"{"kind":"device_discovered","occurred_at":"2026-11-02T09:00:00Z","payload":{"computer_dns_name":"ws-01","last_seen":null},"recorded_at":"2026-11-29T10:00:00Z","run":3,"seq":7,"subject":"ws-\"01\"\n\u0001","tenant":1}"#
        )
    }

    @Test func hashIsSHA256OfPreviousHashAndEnvelope() {
        let expected = SHA256.hash(data: Data((EventChain.genesis + EventChain.envelope(Self.fields)).utf8))
            .map { String(format: "%02x", $0) }.joined()
        #expect(EventChain.hash(prev: EventChain.genesis, Self.fields) == expected)
        #expect(expected.count == 64)
    }

    @Test func payloadsAreCanonicalJSON() throws {
        let value = try JSONValue.parse(#"{"b":[1,2.5,"x\u0007\"é"],"a":null,"A":true}"#)
        #expect(value.canonicalText() == #"{"A":true,"a":null,"b":[1,2.5,"x\u0007\"é"]}"#)
    }
}
