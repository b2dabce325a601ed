import Foundation
import MDEAPI

extension ReportResult {
    /// GitHub-flavoured Markdown: title, scope, settings, one table per section, then the generation line.
    func markdown() -> String {
        var lines = ["# \(Self.markdownEscape(report.title))", ""]
        if !report.description.isEmpty { lines += [Self.markdownEscape(report.description), ""] }
        lines.append("- as of: \(asOf)")
        if let partial { lines.append("- **\(Self.markdownEscape(partial))**") }
        if !asOfTimes.isEmpty { lines.append("- \(asOfTimesLabel): \(asOfTimes.joined(separator: ", "))") }
        lines.append("- tenants: \(tenants.map(Self.markdownEscape).joined(separator: ", "))")
        // Settings lines hold tenant names (letters, digits, . _ -), keys and numbers: nothing to escape.
        lines += settingsLines.map { "- settings: \($0)" }
        lines += freshness.map { "- data: " + Self.markdownEscape($0) }
        lines += ([corrections.summary] + corrections.lines).map { "- " + Self.markdownEscape($0) }
        if let findingsText { lines.append("- findings: \(findingsText)") }
        lines += ["- report: \(Self.markdownEscape(sourceText))", ""]
        for section in humanSections {
            if let name = section.name { lines += ["## \(Self.markdownEscape(name))", ""] }
            guard !section.rows.isEmpty else {
                lines += ["No rows.", ""]
                continue
            }
            // Column names come from the report's own SQL; GFM leaves snake_case alone.
            lines.append("| " + section.columns.map { $0.replacing("|", with: "\\|") }.joined(separator: " | ") + " |")
            lines.append("|" + String(repeating: " --- |", count: section.columns.count))
            for row in section.rows {
                lines.append("| " + row.map { Self.markdownEscape($0.text) }.joined(separator: " | ") + " |")
            }
            lines.append("")
        }
        let legend = legendLines
        if let heading = legend.first {
            lines += ["## legend", "", Self.markdownEscape(heading), ""]
            lines += legend.dropFirst().map { "- " + Self.markdownEscape($0) } + [""]
        }
        lines.append(generationLine)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Device names and comments are attacker-controlled: Markdown syntax and HTML in them is escaped so they
    /// render as the same text, newlines become `<br>` (a table row is one line), other control and format characters
    /// (bidi overrides, zero-width) are shown as `\u{…}` escapes (`ErrorText.display`), never removed.
    static func markdownEscape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", "|", "#", "~", "!": out += "\\" + String(scalar)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n": out += "<br>"
            case "\r": break
            case "\t": out += " "
            default:
                if ErrorText.isHidden(scalar) {
                    out += "\\" + ErrorText.visible(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
