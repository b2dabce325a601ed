import Foundation

/// A bad `--from-file`: the message names the file, the line and the fix.
public struct DeviceListError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Reads the devices of `--from-file`: one id or exact name per line, or a CSV whose header has a `device`
/// column (other columns are ignored). Blank lines and lines starting with `#` are skipped; a device named
/// twice counts once.
public enum DeviceListFile {
    public static func parse(_ text: String, file: String) throws -> [String] {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        // The same strict reader as every other CSV input: a stray quote is an error naming its line.
        let rows = try CSVTable(body, file: file, limits: .default).records
        guard let header = rows.first else {
            throw DeviceListError(description: "\(file) lists no devices; write one device id or name per line")
        }
        let names = header.cells.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var devices: [String] = []
        if let column = names.firstIndex(of: "device") {
            for record in rows.dropFirst() {
                let cell = column < record.cells.count ? record.cells[column].trimmingCharacters(in: .whitespaces) : ""
                guard !cell.isEmpty else {
                    throw DeviceListError(
                        description: "\(file) line \(record.line): the device cell is empty; fill it or remove the row")
                }
                devices.append(cell)
            }
        } else if header.cells.count > 1 {
            throw DeviceListError(
                description: "\(file) has several columns but none is named 'device'; "
                    + "add a header row with a device column, or write one device per line")
        } else {
            for line in body.split(whereSeparator: \.isNewline) {
                let entry = line.trimmingCharacters(in: .whitespaces)
                if entry.isEmpty || entry.hasPrefix("#") { continue }
                devices.append(entry)
            }
        }
        var seen: Set<String> = []
        let unique = devices.filter { seen.insert($0.lowercased()).inserted }
        guard !unique.isEmpty else {
            throw DeviceListError(description: "\(file) lists no devices; write one device id or name per line")
        }
        return unique
    }
}
