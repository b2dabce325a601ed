import Crypto
import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// Crafted files against the import readers (issue 12): each is refused naming the place, and nothing is written.
@Suite struct HostileInputTests {
    static let header = "Device ID,Device Name,Last device update\n"

    static func row(_ n: Int, name: String? = nil, date: String = "2026-05-01T08:00:00Z") -> String {
        let id = String(format: "%040x", n)
        return "\(id),\(name ?? "ws-\(n).contoso.com"),\(date)\n"
    }

    private func write(_ folder: TemporaryFolder, _ name: String, _ text: String) throws -> String {
        let path = folder.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func sha(_ path: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).hexString
    }

    /// A ledger holding `count` devices from one complete import.
    private func ledger(_ folder: TemporaryFolder, devices count: Int) async throws -> Ledger {
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let csv = Self.header + (1...count).map { Self.row($0) }.joined()
        try await ImportFiles.run(
            ledger, .machines, [try write(folder, "all.csv", csv)], observedAt: "2026-05-02T00:00:00Z", complete: true)
        return ledger
    }

    // Problem 2: a stray quote used to swallow the rest of the file, and --complete then removed 298 devices.
    @Test func unterminatedQuoteIsAnErrorNamingItsLine() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder, devices: 30)
        let before = try sha(ledger.path)
        let rows = (1...30).map { Self.row($0, name: $0 == 3 ? "\"ws-3 (stray quote" : nil) }
        let path = try write(folder, "broken.csv", Self.header + rows.joined())
        let error = await ImportFiles.failure(
            ledger, .machines, [path], observedAt: "2026-05-03T00:00:00Z", complete: true)
        #expect(
            error?.contains("broken.csv:4: a quoted cell that starts here is never closed") == true, "\(error ?? "")")
        #expect(try sha(ledger.path) == before)
    }

    @Test(arguments: [
        ("a,b\n", "the row has 2 cells but the header has 3"),
        ("a,b,c,d\n", "the row has 4 cells but the header has 3"),
        ("a,b\"c,d\n", "a double quote inside an unquoted cell"),
        ("\"a\"b,c,d\n", "text after a closing double quote"),
        ("a,\u{0}b,c\n", "the file contains a NUL character"),
    ])
    func strictCSV(line: String, problem: String) throws {
        let text = Self.header + Self.row(1) + line
        let error = #expect(throws: ImportError.self) {
            _ = try CSVTable(text, file: "f.csv", limits: .default)
        }
        #expect(error?.description.hasPrefix("f.csv:3: \(problem)") == true, "\(String(describing: error))")
    }

    @Test func lineNumbersCountLinesInsideQuotedCells() throws {
        let text = "a,b\r\n\"x\ny\r\nz\",1\n\n2,\"3\"\n"
        let records = try CSVTable(text, file: "f.csv", limits: .default).records
        #expect(records.map(\.line) == [1, 2, 6])
        #expect(records[1].cells == ["x\ny\r\nz", "1"])
    }

    @Test func aHugeCellIsRefusedWhileReading() throws {
        let text = "a,b\n1,\"" + String(repeating: "x", count: 70_000) + "\"\n"
        let error = #expect(throws: ImportError.self) { _ = try CSVTable(text, file: "f.csv", limits: .default) }
        #expect(error?.description.contains("f.csv:2: a cell is longer than 64 KB") == true)
    }

    @Test func aFileOverTheLimitIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = try write(folder, "big.csv", Self.header + (1...200).map { Self.row($0) }.joined())
        let error = #expect(throws: ImportError.self) {
            _ = try ImportBatch.load(kind: .machines, paths: [path], limits: InputLimits(maxFileBytes: 4096))
        }
        #expect(
            error?.description.contains("larger than 0 MB") == true || error?.description.contains("larger") == true)
    }

    // Problem 3: Arabic-Indic and full-width digits matched \d and crashed on a force-unwrap.
    @Test(arguments: ["٢٠٢٦-٠٥-٠١ 08:00", "２０２６-05-01", "5/١/2026", "2026-05-01T08:00:00Z\u{0660}"])
    func nonASCIIDigitsAreNotADate(date: String) throws {
        #expect(PortalDate.canonical(date, order: .monthFirst) == nil)
        let folder = try TemporaryFolder()
        let path = try write(folder, "d.csv", Self.header + Self.row(1, date: date))
        let error = #expect(throws: ImportError.self) { _ = try ImportBatch.load(kind: .machines, paths: [path]) }
        #expect(error?.description.contains("d.csv:2: 'Last device update' is not a date") == true)
    }

    @Test(arguments: ["0000-01-01T00:00:00Z", "1989-12-31T23:59:59Z", "2101-01-01T00:00:00Z"])
    func implausibleYearsAreRefused(date: String) throws {
        let folder = try TemporaryFolder()
        let path = try write(folder, "y.csv", Self.header + Self.row(1, date: date))
        let error = #expect(throws: ImportError.self) { _ = try ImportBatch.load(kind: .machines, paths: [path]) }
        #expect(error?.description.contains("outside the years 1990–2100") == true, "\(String(describing: error))")
    }

    // Problem 4: two ids differing only after a NUL became one device.
    @Test func nulInAnIdIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = try write(folder, "nul.json", #"{"value":[{"id":"a\u0000x"},{"id":"a\u0000y"}]}"#)
        let error = #expect(throws: ImportError.self) { _ = try ImportBatch.load(kind: .machines, paths: [path]) }
        #expect(error?.description.contains("nul.json:1:") == true, "\(String(describing: error))")
        #expect(error?.description.contains("NUL") == true)
    }

    @Test func numericIdsAreRefused() throws {
        let folder = try TemporaryFolder()
        let path = try write(folder, "n.json", #"[{"id": 1e300, "lastSeen": "2026-05-01T00:00:00Z"}]"#)
        let error = #expect(throws: ImportError.self) { _ = try ImportBatch.load(kind: .machines, paths: [path]) }
        #expect(
            error?.description.contains("'id' is a number, expected a non-empty string") == true,
            "\(String(describing: error))")
    }

    @Test func conflictingDuplicatesNameBothPlaces() throws {
        let folder = try TemporaryFolder()
        let path = try write(folder, "dup.csv", Self.header + Self.row(1) + Self.row(2) + Self.row(1, name: "other"))
        let error = #expect(throws: ImportError.self) { _ = try ImportBatch.load(kind: .machines, paths: [path]) }
        #expect(error?.description.contains("dup.csv:4: machine") == true, "\(String(describing: error))")
        #expect(error?.description.contains("first at ") == true && error?.description.contains("dup.csv:2") == true)
        let same = try write(folder, "same.csv", Self.header + Self.row(1) + Self.row(1))
        #expect(try ImportBatch.load(kind: .machines, paths: [same]).itemCount == 1)
    }

    // Safety valve: a truncated --complete export must not mark most devices removed.
    @Test func massRemovalIsRefusedAndRecordedAsAFailedRun() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder, devices: 40)
        let before = try LedgerFixtures.historyCounts(ledger.path)
        let few = try write(folder, "few.csv", Self.header + (1...20).map { Self.row($0) }.joined())
        let error = await ImportFiles.failure(
            ledger, .machines, [few], observedAt: "2026-05-03T00:00:00Z", complete: true)
        #expect(error?.contains("lacks 20 of the tenant's 40 present devices") == true, "\(error ?? "")")
        var after = try LedgerFixtures.historyCounts(ledger.path)
        #expect(after["sync_runs"] == before["sync_runs"]! + 1)
        // A failed run adds its row and its chained run_failed event, nothing else.
        #expect(after["events"] == before["events"]! + 1)
        after["sync_runs"] = before["sync_runs"]
        after["events"] = before["events"]
        #expect(after == before)
        let failed = try await ledger.dbQueue.read { db in
            try String.fetchAll(db, sql: "SELECT error FROM sync_runs WHERE status = 'failed'")
        }
        #expect(failed.count == 1 && failed[0].contains("--allow-mass-removal"))
        var importer = SnapshotImporter(
            kind: .machines, paths: [few], observedAt: "2026-05-03T00:00:00Z", complete: true)
        importer.allowMassRemoval = true
        let outcome = try await importer.commit(try importer.load(), to: ledger)
        #expect(outcome.summary.removed == 20)
    }

    @Test func fewRemovalsPassTheValve() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder, devices: 40)
        let most = try write(folder, "most.csv", Self.header + (1...37).map { Self.row($0) }.joined())
        let outcome = try await ImportFiles.run(
            ledger, .machines, [most], observedAt: "2026-05-03T00:00:00Z", complete: true)
        #expect(outcome.summary.removed == 3)
    }
}

/// The retirement list goes through the same reader (issue 12).
@Suite struct HostileRetirementListTests {
    let a = String(repeating: "a", count: 40)

    private func ledger(_ folder: TemporaryFolder) async throws -> Ledger {
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        try await LedgerFixtures.commit(
            ledger,
            machines: [try LedgerFixtures.machine(a), try LedgerFixtures.machine(String(repeating: "b", count: 40))],
            observedAt: "2026-11-01T09:00:00Z")
        return ledger
    }

    private func failure(_ ledger: Ledger, _ folder: TemporaryFolder, _ bytes: Data) throws -> String {
        let path = folder.path("retired.csv")
        try bytes.write(to: URL(fileURLWithPath: path))
        let before = try LedgerFixtures.historyCounts(ledger.path)
        do {
            _ = try ledger.importRetirements(path: path, tenant: TenantSelection())
            Issue.record("the list was imported")
            return ""
        } catch {
            #expect(try LedgerFixtures.historyCounts(ledger.path) == before)
            return "\(error)"
        }
    }

    @Test func anUnterminatedQuoteRecordsNothing() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        let text = "device,retired_on,note\n\(a),2026-10-01,\"broken note\nbbbb,2026-10-02,x\n"
        let error = try failure(ledger, folder, Data(text.utf8))
        #expect(error.contains("retired.csv:2: a quoted cell that starts here is never closed"), "\(error)")
    }

    @Test func invalidUTF8IsRefusedNotReplaced() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        var bytes = Data("device,retired_on,note\n\(a),2026-10-01,caf".utf8)
        bytes.append(contentsOf: [0xE9, 0x0A])
        let error = try failure(ledger, folder, bytes)
        #expect(error.contains("is not valid UTF-8"), "\(error)")
    }

    @Test func lineNumbersAreRightAfterAMultiLineCell() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        let text = "device,retired_on,note\n\(a),2026-10-01,\"two\nlines\"\nnobody,2026-10-01,x\n"
        let path = folder.path("retired.csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let summary = try ledger.importRetirements(path: path, tenant: TenantSelection())
        #expect(summary.unmatched == ["line 4: no device matches 'nobody'"])
    }

    @Test func conflictingDatesForOneDeviceNameBothLines() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        let text = "device,retired_on\n\(a),2026-10-01\n\(a),2026-10-05\n"
        let error = try failure(ledger, folder, Data(text.utf8))
        #expect(error.contains("lines 2 and 3 both retire device '\(a)' but differ"), "\(error)")
    }

    @Test func aYearOutOfRangeIsRefused() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        let error = try failure(ledger, folder, Data("device,retired_on\n\(a),9999-01-01\n".utf8))
        #expect(error.contains("line 2: '9999-01-01' is outside the years 1990–2100"), "\(error)")
    }

    @Test func controlCharactersInCellsAreEscapedInMessages() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        let error = try failure(ledger, folder, Data("device,retired_on\n\(a),\u{1B}[2J2026-10-01\n".utf8))
        #expect(!error.contains("\u{1B}") && error.contains("\\u{1b}[2J2026-10-01"), "\(error)")
        // A row that matches no device is reported, not refused: its report is escaped too.
        let path = folder.path("unmatched.csv")
        try Data("device,retired_on\n\u{1B}[2Jevil,2026-10-01\n".utf8).write(to: URL(fileURLWithPath: path))
        let unmatched = try ledger.importRetirements(path: path, tenant: TenantSelection()).unmatched
        #expect(unmatched == ["line 2: no device matches '\\u{1b}[2Jevil'"], "\(unmatched)")
    }
}
