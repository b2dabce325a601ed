import Foundation
import MDEAPI

extension ReportResult {
    /// One self-contained page: no scripts (a Content-Security-Policy forbids them), no external assets,
    /// an inline SVG chart, every value escaped.
    func html() -> String {
        let p = presentation
        let title = Self.htmlEscape(p.title(report))
        var page = """
            <!DOCTYPE html>
            <html lang="\(p.catalogue.language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>\(title) \(Self.htmlEscape(p.text("label.as_of"))) \(p.time(asOf))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <h1>\(title)</h1>
            <p>\(Self.htmlEscape(p.description(report)))</p>
            <dl>
            <dt>\(Self.htmlEscape(Self.capitalized(p.text("label.as_of"))))</dt><dd>\(p.time(asOf))</dd>

            """
        func item(_ label: String, _ value: String, _ attributes: String = "") {
            page +=
                "<dt>\(Self.htmlEscape(Self.capitalized(label)))</dt><dd\(attributes)>\(Self.htmlEscape(value))</dd>\n"
        }
        if let partial { item(p.text("label.partial"), p.show(partial), " class=\"partial\"") }
        if !asOfTimes.isEmpty { item(asOfTimesLabel, asOfTimes.map(p.time).joined(separator: ", ")) }
        if let months { item(p.text("label.months_in"), months.identifier) }
        item(p.text("label.tenants"), tenants.joined(separator: ", "))
        for line in settingsLines { item(p.text("label.settings"), p.show(line)) }
        for line in freshness {
            item(p.text("label.data"), p.show(line), line.contains("WARNING:") ? " class=\"partial\"" : "")
        }
        for line in [corrections.summary] + corrections.lines { item(p.text("label.corrections"), p.show(line)) }
        if let findingsText = findingsText(in: p) { item(p.text("label.findings"), findingsText) }
        item(p.text("label.report"), p.show(sourceText))
        page += "</dl>\n"
        if let chart = report.chart { page += chartSVG(chart) }
        for section in humanSections {
            if let name = section.name { page += "<h2>\(Self.htmlEscape(p.show(name)))</h2>\n" }
            guard !section.rows.isEmpty else {
                page += "<p>\(Self.htmlEscape(p.text("label.no_rows")))</p>\n"
                continue
            }
            // A wide table scrolls inside its own box on screen instead of running off the page.
            page += "<div class=\"wide\"><table>\n<thead><tr>"
            page += section.columns.map { "<th>\(Self.htmlEscape(p.catalogue.column($0)))</th>" }.joined()
            page += "</tr></thead>\n<tbody>\n"
            for row in section.rows {
                page +=
                    "<tr>"
                    + row.map { cell in
                        let numeric = { if case .integer = cell { true } else { false } }()
                        return (numeric ? "<td class=\"n\">" : "<td>") + Self.htmlEscape(p.show(cell.text)) + "</td>"
                    }.joined() + "</tr>\n"
            }
            page += "</tbody>\n</table></div>\n"
        }
        let legend = legendLines
        if let heading = legend.first {
            page += "<h2>\(Self.htmlEscape(Self.capitalized(p.text("label.legend"))))</h2>\n"
            page += "<p>\(Self.htmlEscape(heading))</p>\n<ul class=\"legend\">\n"
            page += legend.dropFirst().map { "<li>\(Self.htmlEscape($0))</li>\n" }.joined() + "</ul>\n"
        }
        page += "<footer>\(Self.htmlEscape(generationLine))</footer>\n</body>\n</html>\n"
        return page
    }

    /// "as of" → "As of" for a heading; text in scripts without case is unchanged.
    static func capitalized(_ label: String) -> String { label.prefix(1).uppercased() + label.dropFirst() }

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
