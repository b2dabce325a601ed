import Foundation
import LedgerPostgres
import MDELedger
import MDETestSupport
import Testing

/// Migrations on a real PostgreSQL 15 server (scripts/pg-scratch), one database per test.
@Suite struct PostgresMigrationTests {
    /// A new database on the test server, as a location (Unix socket, superuser, no password file).
    static func newLedgerLocation() throws -> PostgresLocation {
        let database = try RunningPostgres.newDatabase()
        return try PostgresLocation.parse(
            "postgresql://postgres@/\(database)?host=\(try RunningPostgres.socketFolder())",
            environment: ["HOME": "/nonexistent"])
    }

    @Test func aNewDatabaseGetsEveryMigrationOnceWithItsChecksum() async throws {
        let ledger = try await PostgresLedger.open(try Self.newLedgerLocation())
        defer { Task { await ledger.close() } }
        let applied = try await ledger.migrate(clock: .fixed(at: Date(timeIntervalSince1970: 1_793_000_000)))
        #expect(applied == PostgresLedger.migrations.map(\.name))
        #expect(try await ledger.migrate().isEmpty)
        let status = try await ledger.migrationStatus()
        #expect(status.allSatisfy { $0.state == .applied })
        #expect(status.map(\.checksum) == PostgresLedger.migrations.map(\.checksum))
        #expect(status.first?.appliedAt == "2026-10-26T07:33:20Z")
    }

    @Test func anEditedMigrationIsRefusedNamingTheFile() async throws {
        let location = try Self.newLedgerLocation()
        let ledger = try await PostgresLedger.open(location)
        defer { Task { await ledger.close() } }
        _ = try await ledger.migrate()
        try RunningPostgres.psql(location.database, "UPDATE schema_migrations SET checksum = 'ab' || checksum")
        let error = await #expect(throws: MigrationError.self) { try await ledger.migrationStatus() }
        #expect(error?.description.contains("restore migrations/postgres/0001_ledger.sql") == true)
        await #expect(throws: MigrationError.self) { try await ledger.migrate() }
    }

    @Test func aMigrationThisBinaryDoesNotKnowIsRefused() async throws {
        let location = try Self.newLedgerLocation()
        let ledger = try await PostgresLedger.open(location)
        defer { Task { await ledger.close() } }
        _ = try await ledger.migrate()
        try RunningPostgres.psql(
            location.database,
            "INSERT INTO schema_migrations VALUES (9999, '9999_future', 'x', '2027-01-01T00:00:00Z')")
        let error = await #expect(throws: MigrationError.self) { try await ledger.migrate() }
        #expect(error?.description.contains("9999_future") == true)
    }

    @Test func twoMigratorsAtOnceApplyEachMigrationOnce() async throws {
        let location = try Self.newLedgerLocation()
        let first = try await PostgresLedger.open(location)
        let second = try await PostgresLedger.open(location)
        defer {
            Task {
                await first.close(); await second.close()
            }
        }
        async let a = first.migrate()
        async let b = second.migrate()
        let (doneA, doneB) = try await (a, b)
        #expect((doneA + doneB).sorted() == PostgresLedger.migrations.map(\.name).sorted())
        let rows = try RunningPostgres.psql(location.database, "SELECT count(*) FROM schema_migrations")
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "\(PostgresLedger.migrations.count)")
    }

    @Test func anUnreachableServerIsNamedWithoutAPassword() async throws {
        let location = try PostgresLocation.parse(
            "postgresql://postgres@/nowhere?host=/tmp/no-such-folder", environment: ["HOME": "/nonexistent"])
        let error = await #expect(throws: PostgresLocationError.self) { try await PostgresLedger.open(location) }
        #expect(
            error?.description.contains("cannot reach the PostgreSQL ledger postgresql://postgres@/nowhere") == true)
    }
}

/// Append-only by triggers and by privileges, and row-level security per tenant: checked as the roles themselves,
/// through psql logged in as each (trust authentication on the test server's socket).
@Suite struct PostgresRoleTests {
    /// A migrated database with a writer, an all-tenants auditor and an auditor limited to tenant 2, and three
    /// events: one of tenant 1, one of tenant 2 and one of the ledger itself (no tenant).
    static func ledgerWithRoles() async throws -> (database: String, suffix: String) {
        let location = try PostgresMigrationTests.newLedgerLocation()
        let ledger = try await PostgresLedger.open(location)
        _ = try await ledger.migrate()
        await ledger.close()
        let suffix = String(location.database.suffix(8))
        let database = location.database
        try RunningPostgres.psql(
            database,
            """
            CREATE ROLE w_\(suffix) LOGIN IN ROLE mde_ledger_writer;
            CREATE ROLE a_\(suffix) LOGIN IN ROLE mde_ledger_auditor, mde_ledger_all_tenants;
            CREATE ROLE t_\(suffix) LOGIN IN ROLE mde_ledger_auditor;
            """)
        try RunningPostgres.psql(
            database,
            """
            INSERT INTO tenants (id, name, created_at) VALUES (1, 'one', 'x'), (2, 'two', 'x');
            INSERT INTO events VALUES (1, 1, NULL, 't', 't', 'k', 's', '{}', '0', 'h1'),
                (2, 2, NULL, 't', 't', 'k', 's', '{}', 'h1', 'h2'), (3, NULL, NULL, 't', 't', 'k', 's', '{}', 'h2', 'h3');
            """, role: "w_\(suffix)")
        try RunningPostgres.psql(database, "INSERT INTO tenant_grants VALUES ('t_\(suffix)', 2)")
        return (database, suffix)
    }

    @Test func theWriterAddsButCannotChangeOrRemoveHistory() async throws {
        let (database, suffix) = try await Self.ledgerWithRoles()
        for sql in ["UPDATE events SET kind = 'x'", "DELETE FROM events", "TRUNCATE events CASCADE"] {
            #expect(throws: PostgresUnavailable.self, "\(sql)") {
                try RunningPostgres.psql(database, sql, role: "w_\(suffix)")
            }
        }
        #expect(try RunningPostgres.psql(database, "SELECT count(*) FROM events") == "3\n")
    }

    @Test func evenTheOwnerIsStoppedByTheTriggers() async throws {
        let (database, _) = try await Self.ledgerWithRoles()
        for sql in ["UPDATE events SET payload = '{\"x\":1}' WHERE seq = 1", "DELETE FROM events WHERE seq = 3"] {
            let error = #expect(throws: PostgresUnavailable.self) { try RunningPostgres.psql(database, sql) }
            #expect(error?.description.contains("events are append-only") == true, "\(sql)")
        }
        // Only by switching the triggers off, which leaves the chain to verify (a later part of issue 23).
        try RunningPostgres.psql(
            database,
            "ALTER TABLE events DISABLE TRIGGER USER; UPDATE events SET kind = 'edited' WHERE seq = 1; "
                + "ALTER TABLE events ENABLE TRIGGER USER")
        #expect(try RunningPostgres.psql(database, "SELECT kind FROM events WHERE seq = 1") == "edited\n")
    }

    @Test func theAuditorOnlyReads() async throws {
        let (database, suffix) = try await Self.ledgerWithRoles()
        #expect(try RunningPostgres.psql(database, "SELECT count(*) FROM events", role: "a_\(suffix)") == "3\n")
        for sql in [
            "INSERT INTO tenants (id, name, created_at) VALUES (3, 'three', 'x')",
            "UPDATE tenant_settings SET value = 'x'",
            "DELETE FROM sync_runs", "INSERT INTO tenant_grants VALUES ('a', 1)",
        ] {
            let error = #expect(throws: PostgresUnavailable.self) {
                try RunningPostgres.psql(database, sql, role: "a_\(suffix)")
            }
            #expect(error?.description.contains("permission denied") == true, "\(sql)")
        }
    }

    @Test func aTenantLimitedAuditorSeesOnlyItsTenantAndTheLedgersOwnEvents() async throws {
        let (database, suffix) = try await Self.ledgerWithRoles()
        let role = "t_\(suffix)"
        #expect(
            try RunningPostgres.psql(database, "SELECT string_agg(seq::text, ',' ORDER BY seq) FROM events", role: role)
                == "2,3\n")
        #expect(try RunningPostgres.psql(database, "SELECT string_agg(name, ',') FROM tenants", role: role) == "two\n")
    }

    @Test func aStoredDocumentIsVisibleOnlyThroughARowTheAuditorMaySee() async throws {
        let (database, suffix) = try await Self.ledgerWithRoles()
        try RunningPostgres.psql(
            database,
            """
            INSERT INTO sync_runs (id, tenant, kind, status, complete, started_at, finished_at, source)
                VALUES (1, 1, 'import', 'committed', 1, 't', 't', 'x'), (2, 2, 'import', 'committed', 1, 't', 't', 'x');
            INSERT INTO raw_documents VALUES (1, '\\x01', '{"id":"a"}'), (2, '\\x02', '{"id":"b"}');
            INSERT INTO machine_observations (seq, tenant, machine_id, run, observed_at, present, machine_tags, document)
                VALUES (1, 1, 'a', 1, 't', 1, '[]', 1), (2, 2, 'b', 2, 't', 1, '[]', 2);
            """, role: "w_\(suffix)")
        let seen = try RunningPostgres.psql(
            database, "SELECT string_agg(body, ',') FROM raw_documents", role: "t_\(suffix)")
        #expect(seen == "{\"id\":\"b\"}\n")
        #expect(try RunningPostgres.psql(database, "SELECT count(*) FROM raw_documents", role: "a_\(suffix)") == "2\n")
        let error = #expect(throws: PostgresUnavailable.self) {
            try RunningPostgres.psql(database, "DELETE FROM raw_documents WHERE id = 1")
        }
        #expect(error?.description.contains("raw_documents are append-only") == true)
    }
}
