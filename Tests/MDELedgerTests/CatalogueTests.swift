import Foundation
import MDETestSupport
import Testing

@testable import MDELedger

/// Issue 21: one catalogue per language (`catalogue/LANG.json`), complete in every language, and agreeing with the
/// English the SQL and code write; times shown in a zone with their offset, months as that zone's.
@Suite struct CatalogueTests {
    static func placeholders(_ text: String) -> Set<String> {
        Set(text.matches(of: /\{([a-z]+)\}/).map { String($0.1) })
    }

    @Test func everyKeyIsInEveryLanguageWithTheSamePlaceholders() {
        let english = TextCatalogue.entries(.en)
        #expect(english.count > 200)
        for language in TextCatalogue.Language.allCases {
            let entries = TextCatalogue.entries(language)
            #expect(Set(entries.keys) == Set(english.keys), "\(language): keys differ from en")
            for (key, text) in entries {
                #expect(!text.isEmpty, "\(language) \(key) is empty")
                // The legend line is given the state's name and its identifier; in English they are the same.
                let extra: Set<String> = key == "label.legend_line" ? ["id"] : []
                #expect(
                    Self.placeholders(text).subtracting(extra) == Self.placeholders(english[key] ?? ""),
                    "\(language) \(key): placeholders differ from en")
            }
        }
    }

    /// The English titles and descriptions are the built-in reports' own headers, the English rules and state
    /// names are what the views and the legend use: the catalogue cannot drift from them.
    @Test func englishAgreesWithTheReportsAndTheStates() throws {
        let english = TextCatalogue.english
        for report in try ReportCatalogue(userDirectory: nil).reports where report.source == .builtIn {
            #expect(english.text("report.\(report.name).title") == report.title, "\(report.name)")
            #expect(english.text("report.\(report.name).description") == report.description, "\(report.name)")
        }
        let japanese = TextCatalogue.catalogue(for: .ja)
        for state in DeviceState.allCases {
            #expect(english.state(state.rawValue) == state.rawValue)
            #expect(japanese.state(state.rawValue) != state.rawValue, "\(state) has no Japanese name")
            #expect(!StateLegend.rule(state, LifecyclePolicy(), in: japanese).contains("{"))
        }
    }

    /// Every fixed sentence in the reports' golden rows, and every next step the view can write, has a Japanese
    /// template: nothing an auditor reads stays English by accident. Ids, names and times are carried over.
    @Test func everyFixedSentenceOfTheGoldenReportsIsTranslated() throws {
        let japanese = TextCatalogue.catalogue(for: .ja)
        let folder = TestFiles.repositoryRoot.appendingPathComponent("Tests/Golden/reports")
        let translated: Set<String> = [
            "state", "state_before", "device_state", "item", "verdict", "why", "change", "section", "basis",
            "next_step", "telemetry_stopped", "entitled_from", "exception", "offboard_route",
        ]
        var checked = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path)
        where file.hasSuffix(".json") && !file.contains(".ja.") {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            for row in object["rows"] as? [[String: Any]] ?? [] {
                for (column, value) in row where translated.contains(column) {
                    guard let text = value as? String, !text.isEmpty, !text.hasPrefix("SPE_"), text != "api" else {
                        continue
                    }
                    #expect(japanese.value(text) != text, "\(file) \(column): '\(text)' has no Japanese template")
                    checked += 1
                }
            }
        }
        #expect(checked > 100)
        let id = "2baae343ff50ae88da3979ed0f51bd78530c1771"
        #expect(
            japanese.value("offboard it: mde-ledger offboard --device \(id) --comment TEXT")
                == "オフボードする: mde-ledger offboard --device \(id) --comment TEXT")
        // A sentence inside a sentence is translated too; what is data stays as it was.
        #expect(
            japanese.value("excepted: exception 4 until 2027-01-31, approved by CISO: kept for forensics")
                == "例外: 例外 4（2027-01-31 まで、承認者 CISO）: kept for forensics")
        #expect(japanese.value("laptop-k5q0knv") == "laptop-k5q0knv")
        #expect(TextCatalogue.english.value("went silent") == "went silent")
    }

    @Test func theLanguageComesFromLCAllThenLang() {
        typealias L = TextCatalogue.Language
        #expect(L.fromEnvironment([:]) == .en)
        #expect(L.fromEnvironment(["LANG": "ja_JP.UTF-8"]) == .ja)
        #expect(L.fromEnvironment(["LANG": "ja_JP.UTF-8", "LC_ALL": "C"]) == .en)
        #expect(L.fromEnvironment(["LC_ALL": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"]) == .ja)
        #expect(L.fromEnvironment(["LANG": "de_DE.UTF-8"]) == .en)
    }

    @Test func timesAreShownInTheZoneWithTheOffsetAndMonthsAreTheZones() throws {
        let tokyo = try #require(DisplayZone("Asia/Tokyo"))
        #expect(tokyo.time("2026-11-30T23:59:59Z") == "2026-12-01T08:59:59+09:00")
        #expect(
            tokyo.times(in: "observed 2026-10-27T09:00:00Z, Graph's time 2026-10-27T09:00:00Z")
                == "observed 2026-10-27T18:00:00+09:00, Graph's time 2026-10-27T18:00:00+09:00")
        #expect(ReportTime.monthEnd("2026-11", zone: tokyo) == "2026-11-30T14:59:59Z")
        #expect(ReportTime.monthEnd("2026-11") == "2026-11-30T23:59:59Z")
        // 2026-12-01T05:00Z is already December in Tokyo: the month end before it is Tokyo's end of November.
        #expect(ReportTime.previousMonthEnd(before: "2026-12-01T05:00:00Z", zone: tokyo) == "2026-11-30T14:59:59Z")
        #expect(ReportTime.previousMonthEnd(before: "2026-12-01T05:00:00Z") == "2026-11-30T23:59:59Z")
        #expect(
            ReportTime.monthEnds(upTo: "2026-12-15T00:00:00Z", count: 2, zone: tokyo)
                == ["2026-10-31T14:59:59Z", "2026-11-30T14:59:59Z"])
        // A zone with daylight saving time: the end of March in New York is in summer time (UTC-4).
        let newYork = try #require(DisplayZone("America/New_York"))
        #expect(ReportTime.monthEnd("2026-03", zone: newYork) == "2026-04-01T03:59:59Z")
        #expect(newYork.time("2026-01-15T12:00:00Z") == "2026-01-15T07:00:00-05:00")
        #expect(DisplayZone("Mars/Olympus_Mons") == nil)
    }
}
