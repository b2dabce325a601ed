import Foundation

/// The one CSV reader for every CSV input (portal export, retirement list): strict RFC 4180 with the physical
/// line of every record, so a fault is reported where it is instead of silently swallowing the rest of the file.
///
/// Refused, naming the line: a quote that is never closed, text after a closing quote, a quote inside an
/// unquoted cell, a NUL, a cell longer than `InputLimits.maxFieldBytes`, and a row whose cell count differs
/// from the header's. The delimiter is sniffed from the first line (comma, semicolon or tab; an Excel `sep=;`
/// line wins and is skipped), because a spreadsheet saved in a European locale writes semicolons.
struct CSVTable {
    struct Record: Sendable {
        /// 1-based physical line where the record starts (a quoted cell may span lines).
        var line: Int
        var cells: [String]
        var isBlank: Bool { cells.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
    }

    /// The records that are not blank; the first is the header.
    let records: [Record]

    init(_ text: String, file: String, limits: InputLimits) throws {
        var bytes = Array(text.utf8)
        var delimiter = UInt8(ascii: ",")
        var line = 1
        let firstLine = bytes.prefix { $0 != 0x0A && $0 != 0x0D }
        if firstLine.count >= 5, String(decoding: firstLine.prefix(4), as: UTF8.self).lowercased() == "sep=" {
            delimiter = firstLine[firstLine.startIndex + 4]
            var skip = firstLine.count
            if skip < bytes.count, bytes[skip] == 0x0D { skip += 1 }
            if skip < bytes.count, bytes[skip] == 0x0A { skip += 1 }
            bytes.removeFirst(skip)
            line = 2
        } else {
            let counts = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09].map { d in (d, firstLine.filter { $0 == d }.count)
            }
            if let best = counts.max(by: { $0.1 < $1.1 }), best.1 > 0 { delimiter = best.0 }
        }
        var parser = CSVParser(bytes: bytes, delimiter: delimiter, line: line, file: file, limits: limits)
        var records: [Record] = []
        while let record = try parser.next() {
            if !record.isBlank { records.append(record) }
        }
        if let width = records.first?.cells.count {
            for record in records.dropFirst() where record.cells.count != width {
                throw ImportError(
                    "\(file):\(record.line): the row has \(record.cells.count) cell\(record.cells.count == 1 ? "" : "s") "
                        + "but the header has \(width); "
                        + "a value containing the delimiter or a line break must be in double quotes")
            }
        }
        self.records = records
    }
}

/// The state machine behind ``CSVTable``: one record per call, over UTF-8 bytes (all syntax is ASCII).
private struct CSVParser {
    let bytes: [UInt8]
    let delimiter: UInt8
    var line: Int
    let file: String
    let limits: InputLimits
    var index = 0

    init(bytes: [UInt8], delimiter: UInt8, line: Int, file: String, limits: InputLimits) {
        self.bytes = bytes
        self.delimiter = delimiter
        self.line = line
        self.file = file
        self.limits = limits
    }

    mutating func next() throws -> CSVTable.Record? {
        guard index < bytes.count else { return nil }
        let start = line
        var cells: [String] = []
        while true {
            let cell = try nextCell()
            cells.append(cell.text)
            guard cell.more else { return CSVTable.Record(line: start, cells: cells) }
        }
    }

    private func fault(_ line: Int, _ problem: String) -> ImportError {
        ImportError("\(file):\(line): \(problem)")
    }

    /// One cell and whether another cell of the same record follows.
    private mutating func nextCell() throws -> (text: String, more: Bool) {
        var cell: [UInt8] = []
        let quoted = index < bytes.count && bytes[index] == UInt8(ascii: "\"")
        let opened = line
        if quoted { index += 1 }
        while index < bytes.count {
            let byte = bytes[index]
            guard cell.count <= limits.maxFieldBytes else {
                throw fault(
                    opened, "a cell is longer than \(limits.maxFieldBytes / 1024) KB; this is not a device list")
            }
            if byte == 0 { throw fault(line, "the file contains a NUL character; export it again as text") }
            if quoted {
                index += 1
                if byte == UInt8(ascii: "\"") {
                    if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                        cell.append(byte)
                        index += 1
                        continue
                    }
                    guard index == bytes.count || [delimiter, 0x0A, 0x0D].contains(bytes[index]) else {
                        throw fault(
                            line, "text after a closing double quote; a quote inside a quoted cell is written as \"\"")
                    }
                    return (String(decoding: cell, as: UTF8.self), try endOfCell())
                }
                if byte == 0x0A || (byte == 0x0D && (index == bytes.count || bytes[index] != 0x0A)) { line += 1 }
                cell.append(byte)
                continue
            }
            if byte == delimiter || byte == 0x0A || byte == 0x0D {
                return (String(decoding: cell, as: UTF8.self), try endOfCell())
            }
            if byte == UInt8(ascii: "\"") {
                throw fault(
                    line,
                    "a double quote inside an unquoted cell; put the whole cell in double quotes and write the "
                        + "quote as \"\"")
            }
            cell.append(byte)
            index += 1
        }
        if quoted {
            throw fault(
                opened,
                "a quoted cell that starts here is never closed (unterminated double quote); "
                    + "close the quote or write a quote inside a cell as \"\"")
        }
        return (String(decoding: cell, as: UTF8.self), false)
    }

    /// Consumes the delimiter or line break after a cell; `true` when another cell of the record follows.
    private mutating func endOfCell() throws -> Bool {
        guard index < bytes.count else { return false }
        let byte = bytes[index]
        index += 1
        if byte == delimiter { return true }
        if byte == 0x0D, index < bytes.count, bytes[index] == 0x0A { index += 1 }
        line += 1
        return false
    }
}
