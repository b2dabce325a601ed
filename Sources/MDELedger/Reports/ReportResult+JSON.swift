import Foundation
import MDEAPI

extension ReportResult {
    /// `{"report", "title", "asOf", "tenants", "settings", "ledger", "columns", "rows", …}`, keys sorted; rows are
    /// objects keyed by column. `generatedAt` is the one field that changes when the report is produced again.
    func json() throws -> String {
        var object: [String: JSONValue] = [
            "report": .string(report.name),
            "title": .string(report.title),
            "description": .string(report.description),
            "source": .string(sourceText),
            "asOf": .string(asOf),
            "tenants": .array(tenants.map(JSONValue.string)),
            "settings": .object(
                Dictionary(
                    uniqueKeysWithValues: settings.map { tenant in
                        let values = tenant.values.map { ($0.key, $0.value.json) }
                        return (tenant.tenant, JSONValue.object(Dictionary(uniqueKeysWithValues: values)))
                    })),
            "ledger": .object([
                "schemaVersion": .int(Int64(ledger.schemaVersion)),
                "head": ledger.headSeq.map { .object(["seq": .int($0), "hash": .string(ledger.headHash ?? "")]) }
                    ?? .null,
            ]),
            "tool": .object(["name": .string("mde-ledger"), "version": .string(toolVersion)]),
            "generatedAt": .string(generatedAt),
            "columns": .array(columns.map(JSONValue.string)),
            "rows": .array(
                rows.map { row in
                    // A user query may repeat a column name; the first one wins, as in `columns`.
                    .object(Dictionary(zip(columns, row.map(\.json)), uniquingKeysWith: { first, _ in first }))
                }),
            "partial": partial.map(JSONValue.string) ?? .null,
            "freshness": .array(freshness.map(JSONValue.string)),
            "findings": findingCount.map { .int(Int64($0)) } ?? .null,
            "excepted": exceptedCount.map { .int(Int64($0)) } ?? .null,
            "corrections": .object([
                "base": corrections.base.map(JSONValue.string) ?? .null,
                "items": .array(
                    corrections.items.map { item in
                        .object([
                            "seq": .int(item.seq), "recordedAt": .string(item.recordedAt), "what": .string(item.what),
                            "by": .string(item.by),
                        ])
                    }),
            ]),
        ]
        if !asOfTimes.isEmpty { object["asOfTimes"] = .array(asOfTimes.map(JSONValue.string)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(JSONValue.object(object)), as: UTF8.self) + "\n"
    }
}

extension ReportValue {
    var json: JSONValue {
        switch self {
        case .null: .null
        case .integer(let number): .int(number)
        case .real(let number): .double(number)
        case .text(let text): .string(text)
        }
    }
}
