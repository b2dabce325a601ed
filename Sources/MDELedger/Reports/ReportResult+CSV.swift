import Foundation

extension ReportResult {
    /// RFC 4180 CSV: one header row, the rows, then a blank line and `#` lines stating the report, as-of,
    /// settings and (last) the generation line. Formula-like cells are neutralised by `CSVOutput`.
    func csv() throws -> String {
        let table = try CSVOutput.render(header: columns, rows: rows.map { $0.map(\.text) })
        var facts = [
            "# \(report.title) — \(sourceText)", "# as of \(asOf); tenants \(tenants.joined(separator: ", "))",
        ]
        if let partial { facts.append("# \(partial)") }
        if !asOfTimes.isEmpty { facts.append("# \(asOfTimesLabel) \(asOfTimes.joined(separator: ", "))") }
        if let findingsText { facts.append("# findings \(findingsText)") }
        facts += settingsLines.map { "# settings \($0)" }
        facts += freshness.map { "# data \($0)" }
        facts += ([corrections.summary] + corrections.lines).map { "# \($0)" }
        facts.append("# \(generationLine)")
        return table + "\n" + (try CSVOutput.render(header: [facts[0]], rows: facts.dropFirst().map { [$0] }))
    }
}
