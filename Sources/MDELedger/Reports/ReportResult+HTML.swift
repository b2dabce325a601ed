import Foundation
import MDEAPI

extension ReportResult {
    /// One self-contained page: no scripts (a Content-Security-Policy forbids them), no external assets,
    /// an inline SVG chart, every value escaped.
    func html() -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>\(Self.htmlEscape(report.title)) as of \(asOf)</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <h1>\(Self.htmlEscape(report.title))</h1>
            <p>\(Self.htmlEscape(report.description))</p>
            <dl>
            <dt>As of</dt><dd>\(asOf)</dd>

            """
        if let partial { page += "<dt>Partial</dt><dd class=\"partial\">\(Self.htmlEscape(partial))</dd>\n" }
        if !asOfTimes.isEmpty {
            let label = asOfTimesLabel.prefix(1).uppercased() + asOfTimesLabel.dropFirst()
            page += "<dt>\(label)</dt><dd>\(asOfTimes.joined(separator: ", "))</dd>\n"
        }
        page += "<dt>Tenants</dt><dd>\(Self.htmlEscape(tenants.joined(separator: ", ")))</dd>\n"
        for line in settingsLines { page += "<dt>Settings</dt><dd>\(Self.htmlEscape(line))</dd>\n" }
        for line in freshness {
            let warning = line.contains("WARNING:") ? " class=\"partial\"" : ""
            page += "<dt>Data</dt><dd\(warning)>\(Self.htmlEscape(line))</dd>\n"
        }
        for line in [corrections.summary] + corrections.lines {
            page += "<dt>Corrections</dt><dd>\(Self.htmlEscape(line))</dd>\n"
        }
        if let findingsText { page += "<dt>Findings</dt><dd>\(findingsText)</dd>\n" }
        page += "<dt>Report</dt><dd>\(Self.htmlEscape(sourceText))</dd>\n</dl>\n"
        if let chart = report.chart { page += chartSVG(chart) }
        for section in humanSections {
            if let name = section.name { page += "<h2>\(Self.htmlEscape(name))</h2>\n" }
            guard !section.rows.isEmpty else {
                page += "<p>No rows.</p>\n"
                continue
            }
            // A wide table scrolls inside its own box on screen instead of running off the page.
            page += "<div class=\"wide\"><table>\n<thead><tr>"
            page += section.columns.map { "<th>\(Self.htmlEscape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for row in section.rows {
                page +=
                    "<tr>"
                    + row.map { cell in
                        let numeric = { if case .integer = cell { true } else { false } }()
                        return (numeric ? "<td class=\"n\">" : "<td>") + Self.htmlEscape(cell.text) + "</td>"
                    }.joined() + "</tr>\n"
            }
            page += "</tbody>\n</table></div>\n"
        }
        let legend = legendLines
        if let heading = legend.first {
            page += "<h2>Legend</h2>\n<p>\(Self.htmlEscape(heading))</p>\n<ul class=\"legend\">\n"
            page += legend.dropFirst().map { "<li>\(Self.htmlEscape($0))</li>\n" }.joined() + "</ul>\n"
        }
        page += "<footer>\(Self.htmlEscape(generationLine))</footer>\n</body>\n</html>\n"
        return page
    }

    /// Escapes text for element content and attribute values; newlines become `<br>`.
    static func htmlEscape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n": out += "<br>"
            case "\r": break
            case "\t": out += " "
            default:
                // Bidi overrides and zero-width characters would make a name read as another: show them escaped.
                if ErrorText.isHidden(scalar) {
                    out += ErrorText.visible(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:2em;color:#1b1f24}h1{margin-bottom:.2em}\
        dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:600}dd{margin:0}\
        table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}\
        th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}\
        th{background:#f6f8fa}td.n{text-align:right}footer{color:#57606a;font-size:12px;margin-top:2em}\
        svg text{font-size:12px;fill:#1b1f24}svg{max-width:100%;height:auto}\
        .wide{max-width:100%;overflow-x:auto}td{overflow-wrap:anywhere;max-width:40em}\
        dd.partial{color:#cf222e;font-weight:600}\
        @media print{@page{size:A4 landscape;margin:10mm}body{margin:0;font-size:10px}\
        .wide{overflow:visible}table{width:100%;font-size:8px;table-layout:auto}\
        th,td{padding:1px 3px;max-width:none}tr{break-inside:avoid}h2{break-after:avoid}}
        """
}
