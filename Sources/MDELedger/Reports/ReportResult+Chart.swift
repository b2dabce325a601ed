import Foundation

extension ReportResult {
    /// Bars to draw: one per distinct x value, split by series, in the order the rows give them.
    struct ChartData {
        var bars: [String] = []
        var series: [String] = []
        var values: [String: [String: Double]] = [:]

        var maximum: Double { values.values.map { $0.values.reduce(0, +) }.max() ?? 0 }
    }

    func chartData(_ chart: ReportDefinition.Chart) -> ChartData {
        var data = ChartData()
        guard let x = columns.firstIndex(of: chart.x) else { return data }
        let section = columns.firstIndex(of: "section")
        let series = chart.series.flatMap { columns.firstIndex(of: $0) }
        let value = chart.value.flatMap { columns.firstIndex(of: $0) }
        for row in rows {
            if let name = chart.section, let section, row[section].text != name { continue }
            // Bars and series are named in the report's language (a state name, a month end in the zone).
            let bar = presentation.show(row[x].text)
            let part = series.map { presentation.show(row[$0].text) } ?? ""
            if data.values[bar] == nil { data.bars.append(bar) }
            if !data.series.contains(part) { data.series.append(part) }
            data.values[bar, default: [:]][part, default: 0] += value.map { row[$0].number ?? 0 } ?? 1
        }
        return data
    }

    /// A horizontal bar chart as inline SVG, stacked by series with a legend; text is escaped.
    func chartSVG(_ chart: ReportDefinition.Chart) -> String {
        let data = chartData(chart)
        guard !data.bars.isEmpty, data.maximum > 0 else { return "<p>Nothing to chart.</p>\n" }
        let label = 230.0
        let plot = 620.0
        let barHeight = 22.0
        let width = label + plot + 80
        // Legend entries in columns as wide as the longest name (about 7.5 px a character at 12 px, wide
        // characters twice that), as many as fit: a long state name is never cut at the edge.
        let entry = (data.series.map { Double(DisplayWidth.of($0)) * 7.5 }.max() ?? 0) + 30
        let perRow = max(1, Int((width - 10) / entry))
        let legendRows = (data.series.count + perRow - 1) / perRow
        let legend = data.series.count > 1 ? Double(legendRows) * 20 + 10 : 0
        let height = Double(data.bars.count) * (barHeight + 6) + legend + 10
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(Int(width))\" "
        svg += "height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
        svg += "aria-label=\"\(Self.htmlEscape(presentation.title(report))) chart\">\n"
        for (index, bar) in data.bars.enumerated() {
            let y = Double(index) * (barHeight + 6) + 5
            svg += "<text x=\"\(Int(label - 8))\" y=\"\(Int(y + 15))\" text-anchor=\"end\">"
            svg += "\(Self.htmlEscape(bar))</text>\n"
            var x = label
            for part in data.series {
                let amount = data.values[bar]?[part] ?? 0
                guard amount > 0 else { continue }
                let length = max(1, (amount / data.maximum * plot).rounded())
                svg += "<rect x=\"\(Int(x))\" y=\"\(Int(y))\" width=\"\(Int(length))\" height=\"\(Int(barHeight))\" "
                svg += "fill=\"\(Self.colour(part, in: data.series, bar: bar))\"><title>"
                svg +=
                    "\(Self.htmlEscape(bar + (part.isEmpty ? "" : " " + part))): \(Self.number(amount))</title></rect>\n"
                x += length
            }
            let total = data.values[bar]?.values.reduce(0, +) ?? 0
            svg += "<text x=\"\(Int(x + 6))\" y=\"\(Int(y + 15))\">\(Self.number(total))</text>\n"
        }
        if data.series.count > 1 {
            for (index, part) in data.series.enumerated() {
                let x = Double(index % perRow) * entry + 10
                let y = Double(data.bars.count) * (barHeight + 6) + 15 + Double(index / perRow) * 20
                svg += "<rect x=\"\(Int(x))\" y=\"\(Int(y))\" width=\"12\" height=\"12\" "
                svg += "fill=\"\(Self.colour(part, in: data.series, bar: ""))\"/>"
                svg += "<text x=\"\(Int(x + 18))\" y=\"\(Int(y + 11))\">\(Self.htmlEscape(part))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// One colour per lifecycle state (findings in reds and oranges, healthy green), else a fixed palette.
    static func colour(_ series: String, in all: [String], bar: String) -> String {
        let key = series.isEmpty ? bar : series
        if let state = DeviceState(rawValue: key), let colour = stateColours[state] { return colour }
        let palette = ["#0969da", "#8250df", "#1a7f37", "#bc4c00", "#bf3989", "#4d2d00", "#0550ae", "#6e7781"]
        return palette[(all.firstIndex(of: series) ?? 0) % palette.count]
    }

    static let stateColours: [DeviceState: String] = [
        .removed: "#6e011a", .retentionExpired: "#afb8c1", .offboardFailed: "#cf222e", .offboardPending: "#fb8f44",
        .offboardedStillReporting: "#a40e26", .offboardConfirming: "#54aeff", .offboarded: "#57606a",
        .retiredStillReporting: "#ff8182", .retiredNotOffboarded: "#bf3989", .notOnboarded: "#8250df",
        .inactive: "#bf8700", .stale: "#eac54f", .active: "#2da44e",
    ]

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }
}
