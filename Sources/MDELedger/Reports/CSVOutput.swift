import CSV
import Foundation

/// CSV text for reports and device lists, with cells protected against formula injection.
public enum CSVOutput {
    /// Renders a header and rows. Quoting is CSV.swift's; each cell first passes through `protect`.
    public static func render(header: [String], rows: [[String]]) throws -> String {
        let stream = OutputStream(toMemory: ())
        stream.open()
        let writer = try CSVWriter(stream: stream)
        try writer.write(row: header.map(protect))
        for row in rows { try writer.write(row: row.map(protect)) }
        stream.close()
        // Read as NSData: bridging it to Data copies it byte by byte on Linux (a seventh of a large report's time).
        guard let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? NSData, data.length > 0 else {
            return "\n"
        }
        return String(decoding: UnsafeRawBufferPointer(start: data.bytes, count: data.length), as: UTF8.self) + "\n"
    }

    /// Device names and comments are attacker-controlled: a cell that a spreadsheet would run as a formula
    /// (`=`, `+`, `-`, `@`, tab, carriage return first) gets a leading apostrophe, as OWASP recommends.
    public static func protect(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else {
            return cell
        }
        return "'" + cell
    }
}
