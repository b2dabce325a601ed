import Foundation

/// How the human formats present a report: in which language (`--lang`), with times in which zone (`--tz`), and
/// whether a CSV's header row holds headings in that language (`--headers localized`). The rows themselves, JSON
/// and CSV values stay as the query returned them.
public struct ReportPresentation: Sendable {
    public var catalogue: TextCatalogue
    public var zone: DisplayZone?
    public var localizedHeaders: Bool

    public init(language: TextCatalogue.Language = .en, zone: DisplayZone? = nil, localizedHeaders: Bool = false) {
        catalogue = TextCatalogue.catalogue(for: language)
        self.zone = zone
        self.localizedHeaders = localizedHeaders
    }

    /// English, UTC: the presentation of the golden files and of every report without `--lang` or `--tz`.
    public static let plain = ReportPresentation()

    /// A label or sentence of the catalogue.
    func text(_ key: String, _ arguments: [String: String] = [:]) -> String { catalogue.text(key, arguments) }

    /// A cell or a stated line in the language, its times in the zone.
    func show(_ text: String) -> String {
        let translated = catalogue.value(text)
        return zone?.times(in: translated) ?? translated
    }

    /// A time in the zone (with its offset), or as canonical UTC.
    func time(_ utc: String) -> String { zone?.time(utc) ?? utc }

    /// The report's title: its own `title.LANG` header, the catalogue's for a built-in report, else its title.
    func title(_ report: ReportDefinition) -> String {
        localized(report, report.titles, "title") ?? report.title
    }

    func description(_ report: ReportDefinition) -> String {
        localized(report, report.descriptions, "description") ?? report.description
    }

    private func localized(_ report: ReportDefinition, _ own: [String: String], _ field: String) -> String? {
        let language = catalogue.language
        guard language != .en else { return nil }
        if let text = own[language.rawValue] { return text }
        guard report.source == .builtIn else { return nil }
        return catalogue.entries["report.\(report.name).\(field)"]
    }
}
