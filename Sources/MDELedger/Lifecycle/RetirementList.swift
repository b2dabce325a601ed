import Foundation
import MDEAPI

/// One row of a retirement list: `device, retired_on[, note]`.
struct RetirementRow: Sendable {
    var line: Int
    var device: String
    var retiredAt: String
    var note: String?
    /// Where the fact comes from when not a list's line, e.g. `intune:<managed device id>`.
    var reference: String? = nil
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
    /// The Entra device id columns of Intune's and Entra's exports: preferred over any other device column,
    /// because Intune's own "Device ID" is Intune's id, which no MDE device carries.
    static let entraHeaders = [
        "azure ad device id", "microsoft entra device id", "entra device id", "aad device id", "azureaddeviceid",
    ]
    static let dateHeaders = ["retired_on", "retired on", "retired", "retirement_date", "retirement date", "date"]
    static let noteHeaders = ["note", "notes", "comment", "reason"]

    /// Reads the list through the one CSV reader; every bad row is collected so the user can fix them in one go.
    static func parse(_ file: ImportFile, name: String) throws -> [RetirementRow] {
        let records = try CSVTable(file.text, file: name, limits: file.limits).records
        let header = (records.first?.cells ?? []).map {
            $0.trimmingCharacters(in: CharacterSet.whitespaces.union(["\u{FEFF}"])).lowercased()
        }
        func column(_ names: [String]) -> Int? { header.firstIndex(where: names.contains) }
        guard let deviceColumn = column(entraHeaders) ?? column(deviceHeaders), let dateColumn = column(dateHeaders)
        else {
            throw RetirementImportError(
                description: "\(name): the header must name a device column (device, device id, device name…) and a "
                    + "date column (retired_on, retirement date…); found: "
                    + ErrorText.escaped(header.joined(separator: ", ")))
        }
        let noteColumn = column(noteHeaders)
        var rows: [RetirementRow] = []
        var problems: [String] = []
        for record in records.dropFirst() {
            let line = record.line
            func cell(_ index: Int?) -> String? {
                guard let index, index < record.cells.count else { return nil }
                let text = record.cells[index].trimmingCharacters(in: .whitespaces)
                return text.isEmpty ? nil : text
            }
            guard let device = cell(deviceColumn) else {
                problems.append("line \(line): the device cell is empty")
                continue
            }
            guard let written = cell(dateColumn) else {
                problems.append("line \(line): no retirement date for \(ErrorText.quoted(device))")
                continue
            }
            let dateText = yearFirst(written)
            guard isISO(dateText), let date = UTCTime.parse(dateText) else {
                problems.append(
                    "line \(line): \(ErrorText.quoted(written)) is not a date; write it as YYYY-MM-DD or YYYY/MM/DD (or an "
                        + "ISO-8601 time)")
                continue
            }
            let retiredAt = UTCTime.format(date)
            guard PortalDate.isPlausibleDeviceTime(retiredAt) else {
                problems.append(
                    "line \(line): \(ErrorText.quoted(dateText)) is outside the years "
                        + "\(PortalDate.deviceYears.lowerBound)–\(PortalDate.deviceYears.upperBound)")
                continue
            }
            rows.append(RetirementRow(line: line, device: device, retiredAt: retiredAt, note: cell(noteColumn)))
        }
        if !problems.isEmpty { throw RetirementImportError(description: Self.message(name, problems)) }
        if rows.isEmpty { throw RetirementImportError(description: "\(name) lists no devices; nothing to import") }
        return rows
    }

    /// Only year-first forms, which no country reads differently: `YYYY-MM-DD` (or an ISO time) and `YYYY/MM/DD`,
    /// as Japanese spreadsheets write dates. "03/04/2026" means different days in different countries.
    private static func isISO(_ text: String) -> Bool {
        text.count >= 10
            && text.prefix(10).enumerated().allSatisfy { index, char in
                index == 4 || index == 7 ? char == "-" : char.isASCII && char.isNumber
            }
    }

    /// `YYYY/MM/DD` (alone) as `YYYY-MM-DD`; anything else unchanged.
    static func yearFirst(_ text: String) -> String {
        let chars = Array(text)
        guard chars.count == 10, chars[4] == "/", chars[7] == "/" else { return text }
        return text.replacingOccurrences(of: "/", with: "-")
    }

    /// Rows that name the same device: an identical repeat is dropped, a different date or note is a problem
    /// naming both lines (recording both would leave the device with two contradicting retirements).
    static func merged<Device>(
        _ matches: [(RetirementRow, Device)], id: (Device) -> String, problems: inout [String]
    ) -> [(RetirementRow, Device)] {
        var first: [String: RetirementRow] = [:]
        var kept: [(RetirementRow, Device)] = []
        for (row, device) in matches {
            let key = id(device)
            guard let earlier = first[key] else {
                first[key] = row
                kept.append((row, device))
                continue
            }
            if earlier.retiredAt != row.retiredAt || earlier.note != row.note {
                problems.append(
                    "lines \(earlier.line) and \(row.line) both retire device \(ErrorText.quoted(key)) but differ "
                        + "(\(earlier.retiredAt) / \(row.retiredAt)); keep one of them")
            }
        }
        return kept
    }

    static func message(_ file: String, _ problems: [String]) -> String {
        let shown = problems.prefix(20).map { "  \($0)" }.joined(separator: "\n")
        let more = problems.count > 20 ? "\n  … \(problems.count - 20) more" : ""
        return "\(file) was not imported; nothing changed. Fix these rows and import it again:\n\(shown)\(more)"
    }
}
