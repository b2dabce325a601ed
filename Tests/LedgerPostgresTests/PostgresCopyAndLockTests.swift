import Foundation
import LedgerPostgres
import Logging
import MDETestSupport
import PostgresNIO
import Testing

/// Bulk rows through `COPY … FROM STDIN` and the per-tenant writer lock, on the real server.
@Suite struct PostgresCopyAndLockTests {
    static let logger = Logger(label: "test")

    @Test func copiedTextComesBackByteForByte() async throws {
        let location = try PostgresMigrationTests.newLedgerLocation()
        try RunningPostgres.psql(location.database, "CREATE TABLE t (id bigint PRIMARY KEY, a text, b text)")
        let values: [String?] = [
            "tab\there", "line\nbreak", "carriage\rreturn", "back\\slash", "\\N", "", "日本語の端末 ✓", nil,
            "\\t literally", String(repeating: "x", count: 70_000), "end\\",
        ]
        let rows = values.enumerated().map { index, value -> [CopyText.Field] in
            [.integer(Int64(index) - 3), value.map { .text($0) } ?? .null, .text("second \(index)")]
        }
        let ledger = try await PostgresLedger.open(location)
        defer { Task { await ledger.close() } }
        var pages = [Array(rows.prefix(4)), Array(rows.dropFirst(4))]
        let count = try await ledger.withTenantLock(tenant: 1, purpose: "test") { connection in
            try await PostgresLedger.copy(into: "t", columns: ["id", "a", "b"], on: connection, logger: Self.logger) {
                pages.isEmpty ? nil : pages.removeFirst()
            }
        }
        #expect(count == values.count)
        let back = try await ledger.withTenantLock(tenant: 1, purpose: "test") { connection in
            var back: [(Int, String?, String)] = []
            for try await row in try await connection.query("SELECT id, a, b FROM t ORDER BY id", logger: Self.logger)
                .decode((Int, String?, String).self)
            {
                back.append(row)
            }
            return back.map { "\($0.0)|\($0.1 ?? "<null>")|\($0.2)" }
        }
        let expected = values.enumerated().map { "\($0 - 3)|\($1 ?? "<null>")|second \($0)" }
        #expect(back == expected)
    }

    @Test func aSecondWriterOfOneTenantIsRefusedWhileOtherTenantsGoOn() async throws {
        let location = try PostgresMigrationTests.newLedgerLocation()
        let first = try await PostgresLedger.open(location)
        let second = try await PostgresLedger.open(location)
        defer {
            Task {
                await first.close(); await second.close()
            }
        }
        let (held, holding) = AsyncStream<Void>.makeStream()
        let (release, releasing) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await first.withTenantLock(tenant: 7, purpose: "sync") { _ in
                holding.yield()
                for await _ in release { break }
                return "done"
            }
        }
        for await _ in held { break }
        let error = await #expect(throws: PostgresTenantBusy.self) {
            try await second.withTenantLock(tenant: 7, purpose: "sync") { _ in "should not run" }
        }
        #expect(error?.description.contains("tenant 7") == true)
        #expect(error?.description.contains("run sync again") == true)
        // Another tenant is not held up by tenant 7's writer.
        #expect(try await second.withTenantLock(tenant: 8, purpose: "sync") { _ in "other tenant" } == "other tenant")
        releasing.yield()
        #expect(try await holder.value == "done")
        #expect(try await second.withTenantLock(tenant: 7, purpose: "sync") { _ in "after release" } == "after release")
    }
}
