import CSV
import Foundation
import MDEAPI

/// One row of a retirement list: `device, retired_on[, note]`.
struct RetirementRow: Sendable {
    var line: Int
    var device: String
    var retiredAt: String
    var note: String?
}

/// Bad input in a retirement list; lists every bad row so the user can fix the file in one go.
public struct RetirementImportError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Parses the retirement list that Intune or an asset system exports.
enum RetirementList {
    static let deviceHeaders = [
        "device", "device_id", "deviceid", "device id", "device name", "devicename", "name",
        "machine_id", "machine id", "id", "aad_device_id", "aaddeviceid", "computerdnsname",
    ]
    static let dateHeaders = ["retired_on", "retired on", "retired", "retirement_date", "retirement date", "date"]
    static let noteHeaders = ["note", "notes", "comment", "reason"]

    static func parse(_ text: String, file: String) throws -> [RetirementRow] {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let reader = try CSVReader(string: body, hasHeaderRow: true, trimFields: true)
        let header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ names: [String]) -> Int? { header.firstIndex(where: names.contains) }
        guard let deviceColumn = column(deviceHeaders), let dateColumn = column(dateHeaders) else {
            throw RetirementImportError(
                description: "\(file): the header must name a device column (device, device id, device name…) and a "
                    + "date column (retired_on, retirement date…); found: \(header.joined(separator: ", "))")
        }
        let noteColumn = column(noteHeaders)
        var rows: [RetirementRow] = []
        var problems: [String] = []
        var line = 1
        while let cells = reader.next() {
            line += 1
            if cells.allSatisfy({ $0.isEmpty }) { continue }
            func cell(_ index: Int?) -> String? {
                guard let index, index < cells.count, !cells[index].isEmpty else { return nil }
                return cells[index]
            }
            guard let device = cell(deviceColumn) else {
                problems.append("line \(line): the device cell is empty")
                continue
            }
            guard let dateText = cell(dateColumn) else {
                problems.append("line \(line): no retirement date for '\(device)'")
                continue
            }
            guard isISO(dateText), let date = UTCTime.parse(dateText) else {
                problems.append(
                    "line \(line): '\(dateText)' is not a date; write it as YYYY-MM-DD (or an ISO-8601 time)")
                continue
            }
            rows.append(
                RetirementRow(line: line, device: device, retiredAt: UTCTime.format(date), note: cell(noteColumn)))
        }
        if let error = reader.error {
            problems.append("line \(line): the CSV does not parse (\(error)); check quotes")
        }
        if !problems.isEmpty { throw RetirementImportError(description: Self.message(file, problems)) }
        if rows.isEmpty { throw RetirementImportError(description: "\(file) lists no devices; nothing to import") }
        return rows
    }

    /// Only unambiguous ISO forms: "03/04/2026" means different days in different countries.
    private static func isISO(_ text: String) -> Bool {
        text.count >= 10
            && text.prefix(10).enumerated().allSatisfy { index, char in
                index == 4 || index == 7 ? char == "-" : char.isASCII && char.isNumber
            }
    }

    static func message(_ file: String, _ problems: [String]) -> String {
        let shown = problems.prefix(20).map { "  \($0)" }.joined(separator: "\n")
        let more = problems.count > 20 ? "\n  … \(problems.count - 20) more" : ""
        return "\(file) was not imported; nothing changed. Fix these rows and import it again:\n\(shown)\(more)"
    }
}
