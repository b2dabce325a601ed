import Foundation
import GRDB
import MDETestSupport
import Testing

/// `mde-ledger import machines|actions` as a user runs it.
@Suite struct ImportCommandTests {
    static let portalCSV = TestFiles.portal("portal-devices.csv")

    @Test func importPortalExportThenActionsThenVerify() async throws {
        let scratch = try TemporaryFolder()
        let db = scratch.path("l.sqlite")
        let machines = try await CLIRunner.run(
            ["import", "machines", "--db", db, "--observed-at", "2026-05-14T00:00:00Z", Self.portalCSV])
        #expect(machines.status == 0, "\(machines.stderr)")
        #expect(
            machines.stdout.hasPrefix(
                "import run 1 committed for tenant default, as of 2026-05-14T00:00:00Z: 5 machines, 0 machine actions"))
        #expect(machines.stdout.contains("devices: 5 discovered"))
        #expect(machines.stdout.contains("portal-devices.csv (csv, 5 machines, sha256 "))
        #expect(machines.stdout.contains("observed at: 2026-05-14T00:00:00Z (--observed-at)"))
        #expect(machines.stdout.contains("partial: devices missing from the files are not marked removed"))
        #expect(!machines.stdout.contains("api:"), "an import makes no API calls")
        let actions = try await CLIRunner.run(
            ["import", "actions", "--db", db, TestFiles.published("machineactions-list.json")])
        #expect(actions.status == 0, "\(actions.stderr)")
        #expect(actions.stdout.contains("0 machines, 3 machine actions"))
        #expect(actions.stdout.contains("(now: the files carry no capture time; pass --observed-at for older files)"))
        let verify = try await CLIRunner.run(["verify", "--db", db])
        #expect(verify.status == 0, "\(verify.stderr)")
        let kinds = try await DatabaseQueue(path: db).read {
            try String.fetchAll($0, sql: "SELECT kind || ':' || complete FROM sync_runs ORDER BY id")
        }
        #expect(kinds == ["import:0", "import:0"])
    }

    @Test func completeImportMarksMissingDevicesRemoved() async throws {
        let scratch = try TemporaryFolder()
        let db = scratch.path("l.sqlite")
        let one = scratch.path("one.csv")
        try Data(
            "Device ID,Device Name,Last device update\n1e5bc9d7e413ddd7902c2932e418702b84d0cc07,ws-0001,2026-05-13\n"
                .utf8
        )
        .write(to: URL(fileURLWithPath: one))
        _ = try await CLIRunner.run(["import", "machines", "--db", db, "--observed-at", "2026-05-14", Self.portalCSV])
        let partial = try await CLIRunner.run(["import", "machines", "--db", db, "--observed-at", "2026-05-15", one])
        #expect(partial.stdout.contains("0 removed"), "\(partial.stdout)\(partial.stderr)")
        let complete = try await CLIRunner.run(
            ["import", "machines", "--complete", "--db", db, "--observed-at", "2026-05-16", one])
        #expect(complete.status == 0, "\(complete.stderr)")
        #expect(complete.stdout.contains("4 removed"), "\(complete.stdout)")
        #expect(!complete.stdout.contains("partial:"))
    }

    @Test func aBrokenFileIsOneClearErrorAndChangesNothing() async throws {
        let scratch = try TemporaryFolder()
        let db = scratch.path("l.sqlite")
        // With no ledger yet, a bad file does not even create one.
        let first = try await CLIRunner.run([
            "import", "machines", "--db", db, TestFiles.published("machines-list.json"),
        ])
        #expect(first.status == 1)
        #expect(
            first.stderr
                == "error: \(TestFiles.published("machines-list.json")):9:39: invalid JSON at byte 380 ('\\\"'): "
                + "expected ',' or '}'; the file must be valid JSON as the API returns it (documentation samples with "
                + "'...' or stray text need fixing first)\n", "\(first.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db))
        _ = try await CLIRunner.run(["import", "machines", "--db", db, "--observed-at", "2026-05-14", Self.portalCSV])
        let before = try ledgerDump(db)
        let bad = scratch.path("bad.csv")
        try Data("Device ID,Device Name,Last device update\naaaa,pc-a,2026-05-01\nbbbb,pc-b,sometime\n".utf8).write(
            to: URL(fileURLWithPath: bad))
        let result = try await CLIRunner.run(
            ["import", "machines", "--db", db, "--observed-at", "2026-05-15", Self.portalCSV, bad])
        #expect(result.status == 1)
        #expect(
            result.stderr.hasPrefix("error: \(bad):3: 'Last device update' is not a date: 'sometime'; use ISO-8601"))
        #expect(result.stdout.isEmpty)
        #expect(try ledgerDump(db) == before)
    }

    @Test(arguments: [
        (["--observed-at", "2999-01-01T00:00:00Z"], "is in the future"),
        (["--observed-at", "last tuesday"], "is not a time"),
        (["--complete"], "--complete"),
    ])
    func badOptionsAreUsageErrors(_ options: [String], _ message: String) async throws {
        let scratch = try TemporaryFolder()
        let result = try await CLIRunner.run(
            ["import", "actions", "--db", scratch.path("l.sqlite")] + options + [
                TestFiles.published("machineaction-get.json")
            ])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("l.sqlite")))
    }

    @Test func twoTenantsNeedTenantAndEachGetsItsOwnDevices() async throws {
        let scratch = try TemporaryFolder()
        let db = scratch.path("l.sqlite")
        for name in ["contoso", "fabrikam"] {
            let added = try await CLIRunner.run(["tenant", "add", name, "--db", db])
            #expect(added.status == 0, "\(added.stderr)")
        }
        let ambiguous = try await CLIRunner.run(["import", "machines", "--db", db, Self.portalCSV])
        #expect(ambiguous.status == 1)
        #expect(ambiguous.stderr.contains("the ledger has several tenants (contoso, fabrikam); pass --tenant NAME"))
        let fabrikam = try await CLIRunner.run(
            ["import", "machines", "--db", db, "--tenant", "fabrikam", "--observed-at", "2026-05-14", Self.portalCSV])
        #expect(fabrikam.status == 0, "\(fabrikam.stderr)")
        #expect(fabrikam.stdout.contains("for tenant fabrikam"))
        let perTenant = try await DatabaseQueue(path: db).read {
            try String.fetchAll(
                $0,
                sql:
                    "SELECT t.name || '=' || count(m.id) FROM tenants t LEFT JOIN machines m ON m.tenant = t.id GROUP BY t.id ORDER BY t.name"
            )
        }
        #expect(perTenant == ["contoso=0", "fabrikam=5"])
    }

    @Test func importHelpListsItsSubcommands() async throws {
        let help = try await CLIRunner.run(["import", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("machines") && help.stdout.contains("actions"))
        let machines = try await CLIRunner.run(["import", "machines", "--help"])
        #expect(machines.stdout.contains("--observed-at") && machines.stdout.contains("--complete"))
    }
}
