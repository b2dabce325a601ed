import Foundation
import LedgerPostgres
import MDETestSupport
import Testing

/// The PostgreSQL migrations bundled into the binary are the files of migrations/postgres (run `make embed`).
@Suite struct EmbeddedPostgresSQLTests {
    @Test func bundledMigrationsMatchTheTree() throws {
        let folder = TestFiles.repositoryRoot.appendingPathComponent("migrations/postgres")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
            .sorted()
        #expect(PostgresLedger.migrations.map(\.name) == files.map { String($0.dropLast(4)) })
        for migration in PostgresLedger.migrations {
            var text = try String(contentsOf: folder.appendingPathComponent(migration.name + ".sql"), encoding: .utf8)
            if text.hasSuffix("\n") { text.removeLast() }
            #expect(migration.sql == text, "migrations/postgres/\(migration.name).sql differs; run 'make embed'")
        }
    }
}
