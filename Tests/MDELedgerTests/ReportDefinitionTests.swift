import Foundation
import MDELedger
import Testing

/// The report header format (reports/README.md), the built-in catalogue and month-end arithmetic.
@Suite struct ReportDefinitionTests {
    @Test func headerKeysAreRead() throws {
        let sql = """
            -- title: Trend
            -- description: By month.
            -- params: as_of, tenant
            -- as-of: month-ends 6
            -- chart: x=month series=state value=devices
            SELECT 1;
            -- title: not a header line any more
            """
        let report = try ReportDefinition.parse(name: "trend", sql: sql, source: .file(path: "/r/trend.sql"))
        #expect(report.title == "Trend")
        #expect(report.description == "By month.")
        #expect(report.params == ["as_of", "tenant"])
        #expect(report.asOfMode == .monthEnds(count: 6))
        #expect(report.chart == .init(section: nil, x: "month", series: "state", value: "devices"))
        #expect(report.path == "/r/trend.sql")
    }

    @Test(arguments: [
        ("SELECT 1;", "/r/x.sql: the header has no '-- title:' line; see reports/README.md"),
        ("-- title: X\n-- as-of: weekly\nSELECT 1;", "/r/x.sql: as-of 'weekly' is not understood"),
        ("-- title: X\n-- chart: y=state\nSELECT 1;", "/r/x.sql: chart 'y=state' is not understood"),
        ("-- title: X\n-- chart: series=state\nSELECT 1;", "/r/x.sql: chart 'series=state' names no x=COLUMN"),
    ])
    func malformedHeadersNameTheFile(sql: String, message: String) throws {
        let error = #expect(throws: ReportError.self) {
            try ReportDefinition.parse(name: "x", sql: sql, source: .file(path: "/r/x.sql"))
        }
        #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "")")
    }

    @Test func builtInsAreListedAndUnknownNamesListThem() throws {
        let catalogue = try ReportCatalogue()
        #expect(
            catalogue.reports.map(\.name) == [
                "finding-changes", "license-compliance", "monthly-trend", "offboard-backlog", "offboard-history",
                "retention-calendar", "still-reporting", "sync-health",
            ])
        #expect(try catalogue.report(named: "monthly-trend").asOfMode == .monthEnds(count: 12))
        #expect(try catalogue.report(named: "finding-changes").asOfMode == .withPreviousMonthEnd)
        let error = #expect(throws: ReportError.self) { try catalogue.report(named: "licence") }
        #expect(error?.isUsage == true)
        #expect(
            error?.description.hasPrefix("unknown report 'licence'; available: finding-changes, license-compliance, ")
                == true)
    }

    @Test func monthEnds() {
        #expect(ReportTime.monthEnd("2026-11") == "2026-11-30T23:59:59Z")
        #expect(ReportTime.monthEnd("2028-02") == "2028-02-29T23:59:59Z")
        #expect(ReportTime.monthEnd("2026-13") == nil)
        #expect(ReportTime.monthEnd("26-11") == nil)
        #expect(
            ReportTime.monthEnds(upTo: "2027-01-15T00:00:00Z", count: 3) == [
                "2026-10-31T23:59:59Z", "2026-11-30T23:59:59Z", "2026-12-31T23:59:59Z",
            ])
        #expect(ReportTime.monthEnds(upTo: "2026-12-31T23:59:59Z", count: 1) == ["2026-12-31T23:59:59Z"])
        // The period before: the previous month's end for a month end (--month), else the last month end before.
        #expect(ReportTime.previousMonthEnd(before: "2026-12-31T23:59:59Z") == "2026-11-30T23:59:59Z")
        #expect(ReportTime.previousMonthEnd(before: "2026-12-04T09:00:00Z") == "2026-11-30T23:59:59Z")
        #expect(ReportTime.previousMonthEnd(before: "2026-03-01T00:00:00Z") == "2026-02-28T23:59:59Z")
    }
}
