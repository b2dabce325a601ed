import Foundation
import MDEAPI

/// Output formats of `devices`.
public enum DeviceListFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

/// Renders a device list as a table, CSV or JSON.
public enum DeviceListOutput {
    /// - Parameter presentation: the table's language and time zone (CSV and JSON keep names, values and UTC).
    public static func render(
        _ rows: [DeviceStateRow], format: DeviceListFormat, withTenant: Bool,
        presentation p: ReportPresentation = .plain
    ) throws -> String {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(rows), as: UTF8.self) + "\n"
        case .csv:
            // A CSV travels alone (into Excel, into a ticket): each row states what it was judged by. The chain head
            // is not repeated here, so an answer about the past stays byte-identical as history grows.
            return try CSVOutput.render(
                header: header(withTenant) + evidenceHeader, rows: rows.map { cells($0, withTenant) + evidence($0) })
        case .table:
            guard p.catalogue.language != .en || p.zone != nil else {
                return TextTable.render(
                    header: header(withTenant).map { $0.uppercased() }, rows: rows.map { cells($0, withTenant) })
            }
            let columns = (withTenant ? ["tenant_name"] : []) + ["machine_id", "computer_dns_name", "state", "finding"]
            let headings = (columns + ["last_seen"]).map {
                p.catalogue.language == .en ? $0.uppercased() : p.catalogue.column($0)
            }
            return TextTable.render(
                header: headings,
                rows: rows.map { row in
                    (withTenant ? [row.tenant] : [])
                        + [
                            row.id, row.computerDnsName ?? "", p.catalogue.state(row.state.rawValue),
                            p.show(row.finding ? "yes" : "no"), row.lastSeen.map(p.time) ?? "",
                        ]
                })
        }
    }

    private static func header(_ withTenant: Bool) -> [String] {
        (withTenant ? ["tenant"] : []) + ["id", "computerDnsName", "state", "finding", "lastSeen"]
    }

    private static let evidenceHeader = [
        "asOf", "offboardGraceHours", "staleHours", "inactiveDays", "retentionDays", "removalDays",
    ]

    private static func evidence(_ row: DeviceStateRow) -> [String] {
        [row.asOf]
            + [
                row.policy.offboardGraceHours, row.policy.staleHours, row.policy.inactiveDays, row.policy.retentionDays,
                row.policy.removalDays,
            ].map(String.init)
    }

    private static func cells(_ row: DeviceStateRow, _ withTenant: Bool) -> [String] {
        (withTenant ? [row.tenant] : [])
            + [row.id, row.computerDnsName ?? "", row.state.rawValue, row.finding ? "yes" : "no", row.lastSeen ?? ""]
    }
}

/// A plain aligned text table for terminals.
public enum TextTable {
    public static func render(header: [String], rows: [[String]]) -> String {
        // Control characters in attacker-controlled names would otherwise move the cursor or recolour the terminal.
        let clean = ([header] + rows).map { $0.map(sanitize) }
        var widths = Array(repeating: 0, count: header.count)
        // Columns on a terminal, not characters: a Japanese name is twice as wide as its character count.
        for row in clean { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(cell)) } }
        return clean.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : DisplayWidth.pad(cell, to: widths[i])
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    static func sanitize(_ text: String) -> String { ErrorText.display(text) }
}
