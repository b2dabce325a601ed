import Foundation
import MDEAPI

/// Reads the Defender portal's device inventory export (Assets → Devices → Export) as machine objects.
///
/// Microsoft does not document the export's headers (mde-api.md §9), so headers are matched loosely
/// (case, spaces, `_`, full/half width and a byte order mark do not matter), extra columns are ignored and missing
/// optional ones tolerated; a device id, a device name and a last-seen column are required. UI spellings become API values ("Can be onboarded" →
/// `CanBeOnboarded`). Each object has the API's field names for `Machine(json:)` plus `csvRow`, the original
/// row (header → cell), so nothing in the export is lost.
enum MachineCSV {
    static func items(_ file: ImportFile) throws -> [ImportItem] {
        let rows = try CSVTable(file.text, file: file.path, limits: file.limits).records
        guard let headerRecord = rows.first else {
            throw ImportError("\(file.path): the CSV has no header row; export the device list again")
        }
        let headers = uniqueHeaders(headerRecord.cells)
        let keys = headers.map(key)
        guard let idIndex = bestIndex(of: idKeys, in: keys) else {
            throw ImportError(
                "\(file.path):\(headerRecord.line): no device id column; the header must have one of "
                    + idHeaders.map { "'\($0)'" }.joined(separator: ", ")
                    + " (found: \(ErrorText.escaped(headers.prefix(12).joined(separator: ", "))))")
        }
        let mapped = columns.compactMap { column in bestIndex(of: column.headers, in: keys).map { (column, $0) } }
        let missing = requiredFields.filter { field in !mapped.contains { $0.0.field == field } }
        guard missing.isEmpty else {
            let wanted = missing.compactMap { field in columns.first { $0.field == field } }.map { column in
                "\(column.field) (\(column.headers.prefix(3).map { "'\($0)'" }.joined(separator: " or ")))"
            }
            throw ImportError(
                "\(file.path):\(headerRecord.line): the header has no column for "
                    + wanted.joined(separator: " and ")
                    + "; rows without them would wipe what the ledger knows of each device, so nothing was imported "
                    + "(found: \(ErrorText.escaped(headers.prefix(12).joined(separator: ", ")))); export the device "
                    + "list with the portal in English, or rename the columns")
        }
        let body = Array(rows.dropFirst())
        let order = try slashOrder(body, dateColumns: mapped.filter { $0.0.isDate }.map(\.1), file: file.path)
        return try body.map { record in
            try item(record, headers: headers, idIndex: idIndex, mapped: mapped, order: order, file: file.path)
        }
    }

    private static func item(
        _ record: CSVTable.Record, headers: [String], idIndex: Int, mapped: [(Column, Int)],
        order: PortalDate.SlashOrder, file: String
    ) throws -> ImportItem {
        // CSVTable has checked that every row has as many cells as the header.
        let cells = record.cells.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        func cell(_ index: Int) -> String { index < cells.count ? cells[index] : "" }
        var id = cell(idIndex)
        guard !id.isEmpty else {
            throw ImportError(
                "\(file):\(record.line): the '\(ErrorText.escaped(headers[idIndex]))' cell is empty; every row needs "
                    + "its device id")
        }
        // Device ids are 40 hex digits, lower-case in the API; a spreadsheet may have changed the case.
        if id.count == 40 && id.allSatisfy(\.isHexDigit) { id = id.lowercased() }
        var object: [String: JSONValue] = ["id": .string(id)]
        for (column, index) in mapped where !cell(index).isEmpty {
            let text = cell(index)
            if column.isDate {
                guard let time = PortalDate.canonical(text, order: order) else {
                    throw ImportError(
                        "\(file):\(record.line): '\(ErrorText.escaped(headers[index]))' is not a date: "
                            + "\(ErrorText.quoted(text)); use ISO-8601 such as 2026-05-09T10:00:00Z (a time without a "
                            + "zone is read as UTC)")
                }
                guard PortalDate.isPlausibleDeviceTime(time) else {
                    throw ImportError(
                        "\(file):\(record.line): '\(ErrorText.escaped(headers[index]))' is \(time), outside the years "
                            + "\(PortalDate.deviceYears.lowerBound)–\(PortalDate.deviceYears.upperBound); fix the date")
                }
                object[column.field] = .string(time)
            } else if let value = convert(text, column.conversion) {
                object[column.field] = value
            }
        }
        var row: [String: JSONValue] = [:]
        for (offset, header) in headers.enumerated() { row[header] = .string(cell(offset)) }
        object["csvRow"] = .object(row)
        return ImportItem(file: file, place: "line \(record.line)", json: .object(object))
    }

    /// Trimmed headers; a repeated header gets ` (2)`, ` (3)`… so every cell keeps its own key in `csvRow`.
    static func uniqueHeaders(_ cells: [String]) -> [String] {
        var seen: [String: Int] = [:]
        return cells.map { cell in
            let header = cell.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(["\u{FEFF}"]))
            let count = (seen[header] ?? 0) + 1
            seen[header] = count
            return count == 1 ? header : "\(header) (\(count))"
        }
    }

    /// The column whose header is the earliest of `candidates` (the preferred spelling wins over a loose one).
    static func bestIndex(of candidates: [String], in keys: [String]) -> Int? {
        for candidate in candidates {
            if let index = keys.firstIndex(of: candidate) { return index }
        }
        return nil
    }

    /// Day/month order of `a/b/yyyy` dates, decided from the whole file; month first (en-US) when undecided.
    static func slashOrder(_ rows: [CSVTable.Record], dateColumns: [Int], file: String) throws -> PortalDate.SlashOrder
    {
        var dayFirst: (Int, String)?
        var monthFirst: (Int, String)?
        for row in rows {
            for index in dateColumns where index < row.cells.count {
                switch PortalDate.orderHint(row.cells[index]) {
                case .dayFirst?: dayFirst = dayFirst ?? (row.line, row.cells[index])
                case .monthFirst?: monthFirst = monthFirst ?? (row.line, row.cells[index])
                case nil: break
                }
            }
        }
        if let dayFirst, let monthFirst {
            throw ImportError(
                "\(file): dates mix day/month orders (line \(dayFirst.0) \(ErrorText.quoted(dayFirst.1)), line "
                    + "\(monthFirst.0) \(ErrorText.quoted(monthFirst.1))); export the file again without editing it "
                    + "in a spreadsheet")
        }
        return dayFirst == nil ? .monthFirst : .dayFirst
    }
}

extension MachineCSV.Column {
    var isDate: Bool {
        if case .date = conversion { return true }
        return false
    }
}
