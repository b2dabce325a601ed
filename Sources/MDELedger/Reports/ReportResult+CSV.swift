import Foundation

extension ReportResult {
    /// RFC 4180 CSV: one header row, the rows, then a blank line and `#` lines stating the report, as-of,
    /// settings and (last) the generation line. Formula-like cells are neutralised by `CSVOutput`.
    func csv() throws -> String {
        // Headings stay the stable column names unless asked for in the report's language (`--headers localized`).
        let header =
            presentation.localizedHeaders ? columns.map(presentation.catalogue.column) : columns
        let table = try CSVOutput.render(header: header, rows: rows.map { $0.map(\.text) })
        var facts = [
            "# \(report.title) — \(sourceText)", "# as of \(asOf); tenants \(tenants.joined(separator: ", "))",
        ]
        if let partial { facts.append("# \(partial)") }
        if !asOfTimes.isEmpty {
            let label = report.asOfMode == .withPreviousMonthEnd ? "compared with" : "month ends"
            facts.append("# \(label) \(asOfTimes.joined(separator: ", "))")
        }
        if let months { facts.append("# months in: \(months.identifier)") }
        if let findingsText = findingsText(in: .plain) { facts.append("# findings \(findingsText)") }
        facts += settingsLines.map { "# settings \($0)" }
        facts += freshness.map { "# data \($0)" }
        facts += ([corrections.summary] + corrections.lines).map { "# \($0)" }
        facts.append("# \(generationLine)")
        return table + "\n" + (try CSVOutput.render(header: [facts[0]], rows: facts.dropFirst().map { [$0] }))
    }
}
