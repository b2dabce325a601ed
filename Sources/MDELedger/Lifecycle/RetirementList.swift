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
    /// The device cell is an Entra device id (the file's Entra id column): only a machine's aadDeviceId matches.
    var byEntraDeviceId = false
}

/// Bad input in a retirement list; lists every bad row so the user can fix the file in one go.
public struct RetirementImportError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Parses the retirement list that Intune, Entra or an asset system exports. Which columns it reads is
/// ``RetirementHeaders``' table.
enum RetirementList {
    /// Reads the list through the one CSV reader; every bad row is collected so the user can fix them in one go.
    /// - Parameter retiredOn: the retirement time (canonical UTC) of every row, for a file without a date column
    ///   (Entra's and Intune's exports have none); refused for a file that has one.
    static func parse(_ file: ImportFile, name: String, retiredOn: String? = nil) throws -> [RetirementRow] {
        let records = try CSVTable(file.text, file: name, limits: file.limits).records
        let header = records.first?.cells ?? []
        let columns = try RetirementHeaders.resolve(header, name: name)
        if let date = columns.date, retiredOn != nil {
            throw RetirementImportError(
                description: "\(name) has its own date column (\(ErrorText.quoted(header[date]))); --retired-on is "
                    + "for a file without one. Drop --retired-on, or the column")
        }
        if columns.date == nil, retiredOn == nil {
            throw RetirementImportError(
                description: "\(name): the header must name a device column and a date column (retired_on, "
                    + "retirement date…), and this file has no date column; for an export without one (Entra's or "
                    + "Intune's device export) give the day its devices were retired with --retired-on YYYY-MM-DD; "
                    + "found: " + ErrorText.escaped(header.joined(separator: ", ")))
        }
        var rows: [RetirementRow] = []
        var problems: [String] = []
        var enabledLines: [Int] = []
        for record in records.dropFirst() {
            let line = record.line
            func cell(_ index: Int?) -> String? {
                guard let index, index < record.cells.count else { return nil }
                let text = record.cells[index].trimmingCharacters(in: .whitespaces)
                return text.isEmpty ? nil : text
            }
            if let enabledColumn = columns.enabled {
                switch cell(enabledColumn).flatMap(RetirementHeaders.enabled) {
                case true?:
                    enabledLines.append(line)
                    continue
                case false?: break
                case nil:
                    problems.append(
                        "line \(line): \(ErrorText.quoted(header[enabledColumn])) is "
                            + "\(ErrorText.quoted(cell(enabledColumn) ?? "")), neither True nor False")
                    continue
                }
            }
            guard let device = cell(columns.device) else {
                problems.append("line \(line): the device cell is empty")
                continue
            }
            let retiredAt: String
            if let retiredOn {
                retiredAt = retiredOn
            } else {
                guard let written = cell(columns.date) else {
                    problems.append("line \(line): no retirement date for \(ErrorText.quoted(device))")
                    continue
                }
                switch date(written) {
                case .success(let time): retiredAt = time
                case .failure(let problem):
                    problems.append("line \(line): \(problem.description)")
                    continue
                }
            }
            rows.append(
                RetirementRow(
                    line: line, device: device, retiredAt: retiredAt, note: cell(columns.note),
                    byEntraDeviceId: columns.entraId))
        }
        if !enabledLines.isEmpty, let enabledColumn = columns.enabled {
            let shown = enabledLines.prefix(10).map(String.init).joined(separator: ", ")
            let more = enabledLines.count > 10 ? ", …" : ""
            problems.insert(
                "\(enabledLines.count) of \(records.count - 1) rows are enabled devices "
                    + "(\(ErrorText.quoted(header[enabledColumn])) True: lines \(shown)\(more)); a list of Entra "
                    + "devices is a retirement list only when every device on it is disabled. Filter the Entra device "
                    + "list to Enabled: No before Download devices, or delete the enabled rows",
                at: 0)
        }
        if !problems.isEmpty { throw RetirementImportError(description: Self.message(name, problems)) }
        if rows.isEmpty { throw RetirementImportError(description: "\(name) lists no devices; nothing to import") }
        return rows
    }

    /// A written retirement date as a canonical UTC time, or why it is not one.
    static func date(_ written: String) -> Result<String, RetirementImportError> {
        let dateText = yearFirst(written)
        guard isISO(dateText), let date = UTCTime.parse(dateText) else {
            return .failure(
                RetirementImportError(
                    description: "\(ErrorText.quoted(written)) is not a date; write it as YYYY-MM-DD or YYYY/MM/DD (or "
                        + "an ISO-8601 time)"))
        }
        let retiredAt = UTCTime.format(date)
        guard PortalDate.isPlausibleDeviceTime(retiredAt) else {
            return .failure(
                RetirementImportError(
                    description: "\(ErrorText.quoted(dateText)) is outside the years "
                        + "\(PortalDate.deviceYears.lowerBound)–\(PortalDate.deviceYears.upperBound)"))
        }
        return .success(retiredAt)
    }

    /// Only year-first forms, which no country reads differently: `YYYY-MM-DD` (or an ISO time), `YYYY/MM/DD` and
    /// `YYYY年M月D日`, as Japanese spreadsheets write dates. "03/04/2026" means different days in different countries.
    private static func isISO(_ text: String) -> Bool {
        text.count >= 10
            && text.prefix(10).enumerated().allSatisfy { index, char in
                index == 4 || index == 7 ? char == "-" : char.isASCII && char.isNumber
            }
    }

    /// `YYYY/MM/DD` and `YYYY/M/D` (as Japanese spreadsheets write dates) and `YYYY年M月D日` (alone, ASCII digits) as
    /// `YYYY-MM-DD`; anything else unchanged.
    static func yearFirst(_ text: String) -> String {
        guard
            let match = text.wholeMatch(of: /([0-9]{4})\/([0-9]{1,2})\/([0-9]{1,2})/)?.output
                ?? text.wholeMatch(of: /([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日/)?.output
        else { return text }
        func two(_ part: Substring) -> String { part.count == 1 ? "0" + part : String(part) }
        return "\(match.1)-\(two(match.2))-\(two(match.3))"
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
