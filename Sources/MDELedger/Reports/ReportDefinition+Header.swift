import Foundation

extension ReportDefinition {
    /// Reads the comment header of a report file: `-- key: value` lines before the first other line.
    /// - Throws: `ReportError` naming the file for a missing title or a malformed `chart` or `as-of` value.
    public static func parse(name: String, sql: String, source: Source) throws -> ReportDefinition {
        var header: [String: String] = [:]
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("--") else { break }
            let body = trimmed.dropFirst(2)
            guard let colon = body.firstIndex(of: ":") else { continue }
            let key = body[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            header[key] = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let path: String
        switch source {
        case .builtIn: path = "reports/\(name).sql"
        case .file(let file): path = file
        }
        guard let title = header["title"], !title.isEmpty else {
            throw ReportError("\(path): the header has no '-- title:' line; see reports/README.md")
        }
        let params = (header["params"] ?? "as_of").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        var report = ReportDefinition(
            name: name, title: title, description: header["description"] ?? "", params: params,
            chart: try header["chart"].map { try parseChart($0, path: path) },
            asOfMode: try header["as-of"].map { try parseAsOfMode($0, path: path) } ?? .single,
            sql: sql, source: source)
        report.summarised = (header["summary"] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        for (key, value) in header {
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, !value.isEmpty else { continue }
            if parts[0] == "title" { report.titles[parts[1]] = value }
            if parts[0] == "description" { report.descriptions[parts[1]] = value }
        }
        switch header["default-as-of"] {
        case nil, "latest-run": break
        case "now": report.defaultsToNow = true
        case let other?:
            throw ReportError("\(path): default-as-of '\(other)' is not understood; use 'now' or 'latest-run'")
        }
        return report
    }

    static func parseChart(_ text: String, path: String) throws -> Chart {
        var fields: [String: String] = [:]
        for part in text.split(separator: " ", omittingEmptySubsequences: true) {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, ["section", "x", "series", "value"].contains(pair[0]) else {
                throw ReportError(
                    "\(path): chart '\(text)' is not understood; use x=COLUMN [series=COLUMN] "
                        + "[value=COLUMN] [section=NAME]")
            }
            fields[pair[0]] = pair[1]
        }
        guard let x = fields["x"] else {
            throw ReportError("\(path): chart '\(text)' names no x=COLUMN")
        }
        return Chart(section: fields["section"], x: x, series: fields["series"], value: fields["value"])
    }

    static func parseAsOfMode(_ text: String, path: String) throws -> AsOfMode {
        let parts = text.split(separator: " ").map(String.init)
        if parts == ["single"] { return .single }
        if parts == ["with-previous-month-end"] { return .withPreviousMonthEnd }
        guard parts.count == 2, parts[0] == "month-ends", let count = Int(parts[1]), (1...120).contains(count) else {
            throw ReportError(
                "\(path): as-of '\(text)' is not understood; use 'month-ends N' (1 to 120), "
                    + "'with-previous-month-end' or 'single'")
        }
        return .monthEnds(count: count)
    }
}
