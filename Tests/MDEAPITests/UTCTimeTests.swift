import Foundation
import MDEAPI
import Testing

@Suite struct UTCTimeTests {
    @Test(arguments: [
        ("2026-11-02T08:13:41.1234567Z", "2026-11-02T08:13:41Z"),
        ("2026-11-02T08:13:41Z", "2026-11-02T08:13:41Z"),
        ("2026-11-02T08:13:41.5Z", "2026-11-02T08:13:41Z"),
        ("2021-01-25T07:27:36.052313Z", "2021-01-25T07:27:36Z"),
        ("2026-11-02T08:13:41.123456789123Z", "2026-11-02T08:13:41Z"),
        ("2026-05-09T10:00:59.9999999Z", "2026-05-09T10:00:59Z"),
        ("2026-11-02T10:13:41+02:00", "2026-11-02T08:13:41Z"),
        ("2026-11-02T01:13:41.9-08:00", "2026-11-02T09:13:41Z"),
        ("2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00Z"),
        ("2026-11-02T10:13:41+0200", "2026-11-02T08:13:41Z"),
        ("2026-10-31", "2026-10-31T00:00:00Z"),
        ("2026-10-31T08:00Z", "2026-10-31T08:00:00Z"),
        ("2024-02-29T12:00:00z", "2024-02-29T12:00:00Z"),
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        ("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59Z"),
        ("2000-03-01T00:00:00Z", "2000-03-01T00:00:00Z"),
    ])
    func canonicalForms(input: String, expected: String) {
        #expect(UTCTime.canonical(input) == expected)
    }

    @Test(arguments: [
        "", "2026-11-02T08:13:41", "2026-13-01", "2025-02-29", "2026-11-31", "2026-11-02T24:00:00Z",
        "2026-11-02T08:60:00Z", "2026-11-02T08:13:60Z", "2026-11-02T08:13:41.Z", "26-11-02", "2026-11-02Z",
        "2026-11-02T08:13:41+2:00", "2026-11-02T08:13:41 Z", "2026/11/02", "2026-11-02T08:13:41Zjunk",
        "Sun, 02 Nov 2026 08:13:41 GMT",
    ])
    func rejects(input: String) {
        #expect(UTCTime.parse(input) == nil)
        #expect(UTCTime.canonical(input) == nil)
    }

    @Test func parseKeepsTheFraction() throws {
        let date = try #require(UTCTime.parse("2026-11-02T08:13:41.25Z"))
        let whole = try #require(UTCTime.parse("2026-11-02T08:13:41Z"))
        #expect(date.timeIntervalSince(whole) == 0.25)
        #expect(whole.timeIntervalSince1970 == 1_793_607_221)
    }

    @Test func formatFloorsToTheSecond() {
        #expect(UTCTime.format(Date(timeIntervalSince1970: 1_793_607_221.999)) == "2026-11-02T08:13:41Z")
        #expect(UTCTime.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(UTCTime.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
    }

    @Test func formatAndParseAgreeOverManyDays() throws {
        // Every 7 hours 13 minutes for ~30 years covers leap years, month ends and century rules nearby.
        for seconds in stride(from: Int64(946_684_800), to: 1_893_456_000, by: 25_980) {
            let text = UTCTime.format(Date(timeIntervalSince1970: Double(seconds)))
            #expect(UTCTime.parse(text)?.timeIntervalSince1970 == Double(seconds), "\(text)")
        }
    }
}
