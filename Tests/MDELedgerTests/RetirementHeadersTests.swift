import Foundation
import MDETestSupport
import Testing

@testable import MDELedger

/// The one header table of `import retired` (`RetirementHeaders.table`), the table docs/imports.md shows, and how
/// a header picks the device column.
@Suite struct RetirementHeadersTests {
    /// The rows between `<!-- retirement-headers` and `<!-- /retirement-headers -->` in docs/imports.md.
    static func documentedRows() throws -> [[String]] {
        let text = try String(contentsOfFile: TestFiles.inRepository("docs/imports.md"), encoding: .utf8)
        let start = try #require(text.range(of: "<!-- retirement-headers"))
        let end = try #require(text.range(of: "<!-- /retirement-headers -->", range: start.upperBound..<text.endIndex))
        return text[start.upperBound..<end.lowerBound].split(separator: "\n").filter { $0.hasPrefix("| ") }
            .dropFirst(2)  // the header row and the separator
            .map { line in
                line.split(separator: "|").map {
                    $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`"))
                }
            }
    }

    @Test func theDocumentedTableIsTheCodesTable() throws {
        let documented = try Self.documentedRows()
        let code = RetirementHeaders.table.map { [$0.header, $0.role.rawValue, $0.source, $0.evidence.rawValue] }
        #expect(documented.count == code.count, "docs/imports.md lists \(documented.count), the code \(code.count)")
        for (doc, swift) in zip(documented, code) { #expect(doc == swift) }
        #expect(documented == code)
        // Every role and every kind of evidence is documented (the table is not trivially empty).
        #expect(Set(documented.map { $0[1] }) == Set(RetirementHeaders.Role.allCases.map(\.rawValue)))
        #expect(Set(documented.map { $0[3] }) == Set(RetirementHeaders.Evidence.allCases.map(\.rawValue)))
    }

    /// Two spellings that normalise alike must mean the same thing, or the table would depend on its order.
    @Test func noMatchingKeyHasTwoRoles() {
        let byKey = Dictionary(grouping: RetirementHeaders.table) { MachineCSV.key($0.header) }
        for (key, spellings) in byKey {
            #expect(Set(spellings.map(\.role)).count == 1, "\(key): \(spellings.map(\.header))")
        }
        #expect(RetirementHeaders.table.allSatisfy { !MachineCSV.key($0.header).isEmpty })
    }

    @Test(arguments: [
        ("ＡＺＵＲＥ　ＡＤ　デバイス　ＩＤ", RetirementHeaders.Role.entraDeviceId),  // full-width letters and spaces
        ("\u{FEFF}DEVICE id", .deviceId),  // a byte-order mark, another case
        ("ﾃﾞﾊﾞｲｽ ID", .deviceId),  // half-width katakana
        ("microsoft_entra_device_id", .entraDeviceId),
        ("joinType (trustType)", nil),
        ("オブジェクトID", .entraObjectId),
        ("Serial number", nil),
    ])
    func headersMatchAfterNFKCAndCaseFolding(header: String, role: RetirementHeaders.Role?) {
        #expect(RetirementHeaders.role(of: header) == role)
    }

    @Test func theEntraIdColumnWinsOverIntunesDeviceIdInEitherOrder() throws {
        for header in [
            ["Device ID", "Device name", "Azure AD Device ID", "Last check-in"],
            ["Azure AD デバイス ID", "デバイス ID", "デバイス名"],
        ] {
            let columns = try RetirementHeaders.resolve(header, name: "f.csv")
            #expect(header[columns.device].contains("Azure AD"), "\(header)")
            #expect(columns.entraId)
        }
    }

    @Test func entrasExportJoinsOnDeviceIdNeverObjectId() throws {
        let header = [
            "displayName", "accountEnabled", "operatingSystem", "operatingSystemVersion", "joinType (trustType)",
            "registeredOwners", "userNames", "mdmDisplayName", "isCompliant", "registrationTime",
            "approximateLastSignInDateTime", "deviceId", "isManaged", "objectId", "profileType", "systemLabels",
            "model",
        ]
        let columns = try RetirementHeaders.resolve(header, name: "f.csv")
        #expect(
            columns
                == RetirementHeaders.Columns(device: 11, entraId: true, date: nil, note: nil, enabled: 1))
        // The same export with its columns reversed: still deviceId.
        let reversed = try RetirementHeaders.resolve(header.reversed(), name: "f.csv")
        #expect(Array(header.reversed())[reversed.device] == "deviceId")
    }

    @Test func anIntuneExportWithoutItsEntraIdIsRefusedAndAListOfOwnIdsIsNot() throws {
        #expect(throws: RetirementImportError.self) {
            try RetirementHeaders.resolve(["デバイス ID", "デバイス名", "最終チェックイン"], name: "f.csv")
        }
        let own = try RetirementHeaders.resolve(["Device ID", "Device name", "retired_on", "備考"], name: "f.csv")
        #expect(own == RetirementHeaders.Columns(device: 0, entraId: false, date: 2, note: 3, enabled: nil))
        let names = try RetirementHeaders.resolve(["名前", "廃棄日"], name: "f.csv")
        #expect(names == RetirementHeaders.Columns(device: 0, entraId: false, date: 1, note: nil, enabled: nil))
    }

    @Test func enabledValues() {
        #expect(
            ["True", "TRUE", "yes", "はい", "有効", "1"].map(RetirementHeaders.enabled) == Array(repeating: true, count: 6))
        #expect(["False", "no", "いいえ", "無効", "0"].map(RetirementHeaders.enabled) == Array(repeating: false, count: 5))
        #expect(RetirementHeaders.enabled("") == nil && RetirementHeaders.enabled("maybe") == nil)
    }

    @Test func japaneseAndUnpaddedYearFirstDates() {
        #expect(RetirementList.yearFirst("2026年12月3日") == "2026-12-03")
        #expect(RetirementList.yearFirst("2026/4/1") == "2026-04-01")
        #expect(RetirementList.yearFirst("2026/04/01") == "2026-04-01")
        #expect(RetirementList.yearFirst("２０２６年１２月３日") == "２０２６年１２月３日", "only ASCII digits")
        #expect(RetirementList.yearFirst("3/4/2026") == "3/4/2026")
        #expect((try? Ledger.retirementDate("2026年12月3日").get()) == "2026-12-03T00:00:00Z")
        #expect((try? Ledger.retirementDate("2026年2月30日").get()) == nil)
    }
}
