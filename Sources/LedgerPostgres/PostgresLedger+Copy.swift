import Logging
import NIOCore
import PostgresNIO

extension PostgresLedger {
    /// Rows are sent in chunks of about this many bytes: large enough to keep the server busy, small enough that
    /// memory stays flat however many rows there are.
    static let copyChunkBytes = 1 << 20

    /// Inserts `rows` into `table` with `COPY … FROM STDIN` on `connection` (inside the caller's transaction, if
    /// any). `table` and `columns` are the ledger's own names, never user input: COPY cannot bind them.
    public static func copy<Rows: AsyncSequence>(
        into table: String, columns: [String], rows: Rows, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int where Rows.Element == [CopyText.Field] {
        var count = 0
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(copyChunkBytes + 4096)
            for try await row in rows {
                precondition(row.count == columns.count, "a \(table) row has \(row.count) fields, not \(columns.count)")
                CopyText.append(row, to: &buffer)
                count += 1
                if buffer.readableBytes >= copyChunkBytes {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
        return count
    }
}
