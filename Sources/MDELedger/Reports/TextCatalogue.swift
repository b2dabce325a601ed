import Foundation

/// The texts of the human formats (Markdown, HTML, `status` and `devices` text) in one language, from
/// `catalogue/LANG.json`: labels, report titles, column headings, state names, legend rules, and templates for
/// the fixed sentences the views and reports produce (next steps, reasons, verdicts).
///
/// The rules and their sentences stay in one place, the SQL and the code that write them in English; a template
/// whose English text matches a cell gives the same sentence in the chosen language, with its `{placeholders}`
/// carried over. Text that matches no template (device names, comments, a user report's own words) is shown as
/// it is. JSON, CSV values and the ledger never change language.
///
/// ```swift
/// let ja = TextCatalogue.catalogue(for: .ja)
/// ja.value("offboard it: mde-ledger offboard --device 1a2b --comment TEXT")
/// // "オフボードする: mde-ledger offboard --device 1a2b --comment TEXT"
/// ```
public struct TextCatalogue: Sendable {
    /// The languages the catalogue has.
    public enum Language: String, Sendable, CaseIterable {
        case en, ja

        /// `--lang`'s default: `LC_ALL`, else `LANG` (`ja_JP.UTF-8` → `ja`); English for anything else.
        public static func fromEnvironment(_ env: [String: String]) -> Language {
            let setting = [env["LC_ALL"], env["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? ""
            return Language.allCases.first { setting.lowercased().hasPrefix($0.rawValue) } ?? .en
        }
    }

    public let language: Language
    let entries: [String: String]
    private let templates: ValueTemplates

    /// The bundled catalogue of a language.
    public static func catalogue(for language: Language) -> TextCatalogue {
        switch language {
        case .en: english
        case .ja: japanese
        }
    }

    public static let english = load(.en)
    static let japanese = load(.ja)

    /// Every key and text of a bundled catalogue file.
    public static func entries(_ language: Language) -> [String: String] {
        guard let text = EmbeddedSQL.catalogues.first(where: { $0.name == language.rawValue })?.sql,
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        else { preconditionFailure("catalogue/\(language.rawValue).json is missing or not a flat JSON object") }
        return object
    }

    private static func load(_ language: Language) -> TextCatalogue {
        let english = entries(.en)
        let own = entries(language)
        let pairs = english.keys.filter { $0.hasPrefix("value.") }.sorted().map {
            (english[$0]!, own[$0] ?? english[$0]!)
        }
        return TextCatalogue(language: language, entries: own, templates: ValueTemplates(pairs))
    }

    /// The text of `key` with `{name}` placeholders filled in; the key itself when no catalogue has it.
    public func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        var out = entries[key] ?? TextCatalogue.english.entries[key] ?? key
        for (name, value) in arguments { out = out.replacingOccurrences(of: "{\(name)}", with: value) }
        return out
    }

    /// A column's heading: its name in English (the stable identifier), a heading in other languages.
    public func column(_ name: String) -> String { entries["column.\(name)"] ?? name }

    /// A state's name (`退役後も報告中` for `retired-still-reporting`); the identifier in English.
    public func state(_ state: String) -> String { entries["state.\(state)"] ?? state }

    /// A cell or line in this language: a state name, or a fixed sentence by its template; anything else as is.
    public func value(_ text: String) -> String {
        guard language != .en, !text.isEmpty else { return text }
        if let state = entries["state.\(text)"] { return state }
        return templates.translate(text) { self.value($0) } ?? text
    }
}

/// English sentence templates and their translations, matched whole. A `{note}`, `{state}`, `{rest}` or `{what}`
/// placeholder holds a sentence of its own and is translated again; the others (ids, times, numbers) are kept.
/// Placeholders match as little as they can (`{rest}` may be empty), except `{what}`, which matches all it can.
private final class ValueTemplates: @unchecked Sendable {
    // NSRegularExpression is documented as safe to use from several threads once made; nothing here mutates.
    private let exact: [String: String]
    private let patterns: [(regex: NSRegularExpression, names: [String], target: String)]
    private static let nested: Set<String> = ["note", "state", "rest", "what"]

    init(_ pairs: [(english: String, translated: String)]) {
        var exact: [String: String] = [:]
        var patterns: [(NSRegularExpression, [String], String)] = []
        let placeholder = try! NSRegularExpression(pattern: "\\{([a-z]+)\\}")
        for (english, translated) in pairs {
            let range = NSRange(english.startIndex..., in: english)
            let names = placeholder.matches(in: english, range: range).map {
                String(english[Range($0.range(at: 1), in: english)!])
            }
            if names.isEmpty {
                exact[english] = translated
                continue
            }
            var pattern = NSRegularExpression.escapedPattern(for: english)
            for name in names {
                // `what` is a sentence that may hold parentheses itself: it takes all it can, leaving the last group.
                let group = name == "rest" ? "(.*?)" : name == "what" ? "(.+)" : "(.+?)"
                pattern = pattern.replacingOccurrences(of: "\\{\(name)\\}", with: group)
            }
            patterns.append(
                (
                    try! NSRegularExpression(pattern: "^" + pattern + "$", options: [.dotMatchesLineSeparators]), names,
                    translated
                ))
        }
        self.exact = exact
        // Longer English first: "exception N until D, approved by A: R" before "exception N until D: R".
        self.patterns = patterns.sorted { $0.0.pattern.count > $1.0.pattern.count }
    }

    func translate(_ text: String, nested translate: (String) -> String) -> String? {
        if let found = exact[text] { return found }
        let range = NSRange(text.startIndex..., in: text)
        for (regex, names, target) in patterns {
            guard let match = regex.firstMatch(in: text, range: range) else { continue }
            var out = target
            for (index, name) in names.enumerated() {
                let captured = Range(match.range(at: index + 1), in: text).map { String(text[$0]) } ?? ""
                out = out.replacingOccurrences(
                    of: "{\(name)}", with: Self.nested.contains(name) ? translate(captured) : captured)
            }
            return out
        }
        return nil
    }
}
