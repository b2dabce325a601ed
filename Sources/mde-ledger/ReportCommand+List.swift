import Foundation
import MDELedger

extension ReportCommand {
    /// `report --list`: name, title, description, parameters and where each report comes from.
    static func listing(_ catalogue: ReportCatalogue) -> String {
        catalogue.reports.map { report in
            var lines = ["\(report.name): \(report.title)"]
            if !report.description.isEmpty { lines.append("  \(report.description)") }
            var params = "  parameters: " + report.params.map { ":\($0)" }.joined(separator: ", ")
            if case .monthEnds(let count) = report.asOfMode { params += "; runs at the last \(count) month ends" }
            if report.asOfMode == .withPreviousMonthEnd { params += "; compares with the month end before" }
            lines.append(params)
            if case .file(let path) = report.source {
                lines.append("  from \(path)" + (report.replacesBuiltIn ? " (replaces the built-in report)" : ""))
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n") + "\n"
    }
}
