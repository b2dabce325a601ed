import CSV
import Foundation
import Testing

@testable import MDELedger

/// CSV output written in slices on several cores reads back as the one table it was given.
@Suite struct CSVOutputTests {
    /// Cells that need quoting, doubling, protecting or nothing, in every position of a slice.
    private static let cells = [
        "plain", "", "comma, inside", "say \"hi\"", "two\nlines", "crlf\r\nend", "=1+1", "-5", "@cmd", "端末-東京",
        "+81", " spaced ", "\ttab",
    ]

    private static func table(rows count: Int) -> [[String]] {
        (0..<count).map { row in (0..<4).map { column in cells[(row * 4 + column) % cells.count] + "\(row)" } }
    }

    private static func readBack(_ text: String) throws -> [[String]] {
        let reader = try CSVReader(string: text)
        var rows: [[String]] = []
        while let row = reader.next() { rows.append(row) }
        return rows
    }

    @Test(arguments: [0, 1, 4_999, 5_001, 23_457])
    func aTableReadsBackRowForRowWithFormulaCellsProtected(rows count: Int) throws {
        let header = ["name", "=note", "b", "c"]
        let rows = Self.table(rows: count)
        let text = try CSVOutput.render(header: header, rows: rows)
        #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"))
        let read = try Self.readBack(String(text.dropLast()))
        #expect(read.count == count + 1)
        #expect(read.first == header.map(CSVOutput.protect))
        #expect(Array(read.dropFirst()) == rows.map { $0.map(CSVOutput.protect) })
        // Row 1 holds "=1+1": a spreadsheet would run it, so it reads back with an apostrophe first.
        #expect(read.dropFirst().joined().contains { $0.hasPrefix("'=") } == (count >= 2))
    }

    @Test func slicesCoverEveryRowOnceInOrder() {
        for count in [0, 1, 4_999, 5_000, 5_001, 10_000, 123_457] {
            let slices = CSVOutput.sliceBounds(count: count)
            #expect(slices.flatMap { Array($0) } == Array(0..<count), "\(count) rows")
            #expect(slices.count <= max(1, ProcessInfo.processInfo.activeProcessorCount))
            #expect(slices.allSatisfy { !$0.isEmpty })
        }
    }
}
