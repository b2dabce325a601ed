import CSV
import Foundation

/// CSV text for reports and device lists, with cells protected against formula injection.
public enum CSVOutput {
    /// Renders a header and rows. Quoting is CSV.swift's; each cell first passes through `protect`.
    ///
    /// Large tables are written in slices on every core and joined: the library decides each cell's quoting with
    /// five Foundation string searches, most of a 200,000-row list's time, and one row's text never depends on
    /// another's.
    public static func render(header: [String], rows: [[String]]) throws -> String {
        let slices = sliceBounds(count: rows.count)
        var texts = [Result<String, any Error>](repeating: .success(""), count: slices.count)
        texts.withUnsafeMutableBufferPointer { texts in
            let texts = UncheckedBuffer(texts)
            DispatchQueue.concurrentPerform(iterations: slices.count) { index in
                texts.base[index] = Result { try lines(rows[slices[index]]) }
            }
        }
        var output = try lines([header])
        for text in texts { output += "\n" + (try text.get()) }
        return output + "\n"
    }

    /// The rows' lines, separated by newlines, without a final one.
    private static func lines<Rows: Collection<[String]>>(_ rows: Rows) throws -> String {
        let stream = ByteCollectingStream(toMemory: ())
        let writer = try CSVWriter(stream: stream)
        for row in rows { try writer.write(row: row.map(protect)) }
        stream.close()
        return String(decoding: stream.bytes, as: UTF8.self)
    }

    /// Ranges of at least 5,000 rows, at most one per core (none for no rows).
    static func sliceBounds(count: Int) -> [Range<Int>] {
        let slices = min(ProcessInfo.processInfo.activeProcessorCount, (count + 4_999) / 5_000)
        guard slices > 0 else { return [] }
        let size = (count + slices - 1) / slices
        return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
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

/// An output stream that keeps what is written in a byte array.
///
/// CSV.swift writes one byte per call. Foundation's memory stream on Linux goes through CoreFoundation for each of
/// them, which was about half of a 200,000-row CSV's time; appending to an array is what that call needs to be.
/// Each slice's result is written by one iteration only; the buffer outlives `concurrentPerform`, which returns after
/// every iteration has.
private struct UncheckedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<Element>
    init(_ base: UnsafeMutableBufferPointer<Element>) { self.base = base }
}

final class ByteCollectingStream: OutputStream {
    private(set) var bytes: [UInt8] = []

    required init(toMemory: ()) {
        super.init(toMemory: ())
        // The writer opens a stream that is not open yet and refuses one that cannot open; this one always can.
        super.open()
        bytes.reserveCapacity(1 << 16)
    }

    override func write(_ buffer: UnsafePointer<UInt8>, maxLength len: Int) -> Int {
        bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: len))
        return len
    }

    override var hasSpaceAvailable: Bool { true }
}
