import Foundation
import MDEAPI

extension ReportResult {
    /// GitHub-flavoured Markdown: title, scope, settings, one table per section, then the generation line.
    func markdown() -> String {
        let p = presentation
        var lines = ["# \(Self.markdownEscape(p.title(report)))", ""]
        let description = p.description(report)
        if !description.isEmpty { lines += [Self.markdownEscape(description), ""] }
        lines.append("- \(p.text("label.as_of")): \(p.time(asOf))")
        if let partial { lines.append("- **\(Self.markdownEscape(p.show(partial)))**") }
        if !asOfTimes.isEmpty {
            lines.append("- \(asOfTimesLabel): \(asOfTimes.map(p.time).joined(separator: ", "))")
        }
        if let monthsLine { lines.append("- " + Self.markdownEscape(monthsLine)) }
        lines.append("- \(p.text("label.tenants")): \(tenants.map(Self.markdownEscape).joined(separator: ", "))")
        // Settings lines hold tenant names (letters, digits, . _ -), keys and numbers: nothing to escape.
        lines += settingsLines.map { "- \(p.text("label.settings")): \(p.show($0))" }
        lines += freshness.map { "- \(p.text("label.data")): " + Self.markdownEscape(p.show($0)) }
        lines += ([corrections.summary] + corrections.lines).map { "- " + Self.markdownEscape(p.show($0)) }
        if let findingsText = findingsText(in: p) { lines.append("- \(p.text("label.findings")): \(findingsText)") }
        lines += ["- \(p.text("label.report")): \(Self.markdownEscape(p.show(sourceText)))", ""]
        for section in humanSections {
            if let name = section.name { lines += ["## \(Self.markdownEscape(p.show(name)))", ""] }
            guard !section.rows.isEmpty else {
                lines += [p.text("label.no_rows"), ""]
                continue
            }
            // Column names come from the report's own SQL; GFM leaves snake_case alone.
            let headings = section.columns.map { p.catalogue.column($0).replacing("|", with: "\\|") }
            lines.append("| " + headings.joined(separator: " | ") + " |")
            lines.append("|" + String(repeating: " --- |", count: section.columns.count))
            for row in section.rows {
                lines.append("| " + row.map { Self.markdownEscape(p.show($0.text)) }.joined(separator: " | ") + " |")
            }
            lines.append("")
        }
        let legend = legendLines
        if let heading = legend.first {
            lines += ["## \(p.text("label.legend"))", "", Self.markdownEscape(heading), ""]
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
