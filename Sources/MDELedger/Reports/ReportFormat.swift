import Foundation

/// Output formats of `report`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case csv, md, json, html
}

extension ReportResult {
    /// The report in one format. `excel` starts CSV with a byte-order mark so Excel reads it as UTF-8.
    public func render(_ format: ReportFormat, excel: Bool = false) throws -> String {
        switch format {
        case .csv: (excel ? "\u{FEFF}" : "") + (try csv())
        case .md: markdown()
        case .json: try json()
        case .html: html()
        }
    }

    /// One table of the report: the rows of one `section` value (or all rows), with the columns that hold a
    /// value in at least one of them.
    struct Section {
        var name: String?
        var columns: [String]
        var rows: [[ReportValue]]
    }

    /// Rows split by the `section` column when there is one, in the order the query returned them.
    var sections: [Section] {
        guard let sectionIndex = columns.firstIndex(of: "section") else {
            return [Section(name: nil, columns: columns, rows: rows)]
        }
        var order: [String] = []
        var grouped: [String: [[ReportValue]]] = [:]
        for row in rows {
            let name = row[sectionIndex].text
            if grouped[name] == nil { order.append(name) }
            grouped[name, default: []].append(row)
        }
        return order.map { name in
            let rows = grouped[name]!
            let keep = columns.indices.filter { index in
                index != sectionIndex && rows.contains { $0[index] != .null }
            }
            return Section(
                name: name, columns: keep.map { columns[$0] }, rows: rows.map { row in keep.map { row[$0] } })
        }
    }

    /// The sections as the human formats show them: a section the report summarises (`-- summary:`) becomes
    /// counts of its rows by tenant, item, verdict and state, whichever of those it has.
    var humanSections: [Section] {
        sections.map { section in
            guard let name = section.name, report.summarised.contains(name) else { return section }
            let keys = ["tenant_name", "item", "verdict", "state"].compactMap { key in
                section.columns.firstIndex(of: key).map { (key, $0) }
            }
            var order: [[ReportValue]] = []
            var counts: [[ReportValue]: Int64] = [:]
            for row in section.rows {
                let key = keys.map { row[$0.1] }
                if counts[key] == nil { order.append(key) }
                counts[key, default: 0] += 1
            }
            return Section(
                name: "\(name) (\(section.rows.count) rows, counted here; every row is in the CSV and JSON formats)",
                columns: keys.map(\.0) + ["rows"], rows: order.map { $0 + [.integer(counts[$0]!)] })
        }
    }

    /// "built-in" or the user's file, saying when it replaces a built-in report.
    var sourceText: String {
        switch report.source {
        case .builtIn: "built-in report \(report.name)"
        case .file(let path):
            "user report \(path)" + (report.replacesBuiltIn ? " (replaces the built-in report \(report.name))" : "")
        }
    }
}
