import Logging
import NIOCore
import PostgresNIO

extension PostgresLedger {
    /// Rows are sent in chunks of about this many bytes: large enough to keep the server busy, small enough that
    /// memory stays flat however many rows there are.
    static let copyChunkBytes = 1 << 20

    /// Inserts rows into `table` with `COPY … FROM STDIN` on `connection` (inside the caller's transaction, if any).
    /// `nextPage` returns the next rows, or nil when there are no more; it is asked only when the rows before have
    /// been sent, so a fast source never runs ahead of the server. `table` and `columns` are the ledger's own names,
    /// never user input: COPY cannot bind them.
    public static func copy(
        into table: String, columns: [String], on connection: PostgresConnection, logger: Logger,
        nextPage: () async throws -> [[CopyText.Field]]?
    ) async throws -> Int {
        var count = 0
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(copyChunkBytes + 4096)
            while let page = try await nextPage() {
                for row in page {
                    precondition(
                        row.count == columns.count, "a \(table) row has \(row.count) fields, not \(columns.count)")
                    CopyText.append(row, to: &buffer)
                    count += 1
                    if buffer.readableBytes >= copyChunkBytes {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
        return count
    }
}
