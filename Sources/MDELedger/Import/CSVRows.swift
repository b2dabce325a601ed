import CSV
import Foundation

/// The records of a CSV text with the physical line each starts on, read with CSV.swift.
///
/// The delimiter is sniffed from the first line (comma, semicolon or tab; an Excel `sep=;` line wins and
/// is skipped), because a spreadsheet saved in a European locale writes semicolons.
struct CSVRows {
    struct Record: Sendable {
        /// 1-based line of the file where the record starts (a quoted cell may span lines).
        var line: Int
        var cells: [String]
        var isBlank: Bool { cells.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
    }

    var records: [Record] = []

    init(_ text: String) throws {
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r" }
        var delimiter: UnicodeScalar = ","
        var skipFirst = false
        if firstLine.lowercased().hasPrefix("sep="), let scalar = firstLine.unicodeScalars.dropFirst(4).first {
            delimiter = scalar
            skipFirst = true
        } else {
            let counts: [(UnicodeScalar, Int)] = [",", ";", "\t"].map { d in
                (d, firstLine.unicodeScalars.filter { $0 == d }.count)
            }
            delimiter = counts.max { $0.1 < $1.1 }.flatMap { $0.1 > 0 ? $0.0 : nil } ?? ","
        }
        let reader = try CSVReader(string: text, hasHeaderRow: false, trimFields: false, delimiter: delimiter)
        var line = 1
        while let cells = reader.next() {
            if skipFirst {
                skipFirst = false
            } else {
                records.append(Record(line: line, cells: cells))
            }
            line += 1 + cells.reduce(0) { $0 + Self.lineBreaks(in: $1) }
        }
    }

    /// Line breaks inside a quoted cell (`\r\n` counts once).
    static func lineBreaks(in cell: String) -> Int {
        var count = 0
        var previous: Unicode.Scalar?
        for scalar in cell.unicodeScalars {
            if scalar == "\n" && previous != "\r" || scalar == "\r" { count += 1 }
            previous = scalar
        }
        return count
    }
}
