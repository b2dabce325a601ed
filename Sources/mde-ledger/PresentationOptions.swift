import ArgumentParser
import Foundation
import MDELedger

/// `--lang` and `--tz`: the language and time zone of the human-readable output (`report` Markdown and HTML,
/// `status`, `devices` tables). JSON, CSV values and the ledger stay English identifiers and UTC.
struct PresentationOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "ja or en: the language of titles, headings, state names, legends and next steps (default: from LC_ALL "
                + "or LANG, else en).", valueName: "language"))
    var lang: String?

    @Option(
        help: ArgumentHelp(
            "Show times in this IANA time zone with their offset, e.g. Asia/Tokyo (default: TZ, else UTC); with "
                + "--month, the month is that zone's.", valueName: "zone"))
    var tz: String?

    func validate() throws {
        if let lang, TextCatalogue.Language(rawValue: lang) == nil {
            throw ValidationError(
                "--lang takes " + TextCatalogue.Language.allCases.map(\.rawValue).joined(separator: " or ")
                    + ", not '\(lang)'")
        }
        if let tz, DisplayZone(tz) == nil {
            throw ValidationError(
                "--tz '\(tz)' is not a time zone this system knows; use an IANA name such as Asia/Tokyo")
        }
    }

    var language: TextCatalogue.Language {
        lang.flatMap(TextCatalogue.Language.init(rawValue:))
            ?? TextCatalogue.Language.fromEnvironment(ProcessInfo.processInfo.environment)
    }

    /// The zone for displayed times; nil means UTC (`TZ=UTC` too, so the output keeps its `Z` times).
    var zone: DisplayZone? {
        let zone = tz.flatMap(DisplayZone.init) ?? DisplayZone.fromEnvironment(ProcessInfo.processInfo.environment)
        return zone.flatMap { ["UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Zulu"].contains($0.identifier) ? nil : $0 }
    }

    func presentation(localizedHeaders: Bool = false) -> ReportPresentation {
        ReportPresentation(language: language, zone: zone, localizedHeaders: localizedHeaders)
    }
}
