import Foundation

/// The lifecycle states a report shows, each with its rule and the thresholds in force: the legend of the human
/// formats (Markdown, HTML). The rules themselves are the SQL view `device_states`; these sentences say the same in
/// words, in the same order (the first rule that applies wins), and `StateLegendTests` keeps one sentence per state.
public enum StateLegend {
    /// One sentence per state, with `policy`'s thresholds, in the catalogue's language (`rule.STATE`).
    public static func rule(
        _ state: DeviceState, _ p: LifecyclePolicy, in catalogue: TextCatalogue = .english
    ) -> String {
        catalogue.text(
            "rule.\(state.rawValue)",
            [
                "grace": "\(p.offboardGraceHours)", "stale": "\(p.staleHours)", "inactive": "\(p.inactiveDays)",
                "retention": "\(p.retentionDays)",
            ])
    }

    /// The legend lines for the states in `states` (all when nil), in rule order.
    public static func lines(
        for states: Set<DeviceState>?, policy: LifecyclePolicy, in catalogue: TextCatalogue = .english
    ) -> [String] {
        DeviceState.allCases.filter { states?.contains($0) ?? true }.map { state in
            catalogue.text(
                "label.legend_line",
                [
                    "state": catalogue.state(state.rawValue), "id": state.rawValue,
                    "rule": rule(state, policy, in: catalogue),
                ])
        }
    }
}

extension ReportResult {
    /// The states the report's rows name (its `state` and chart columns), and the thresholds of its first tenant:
    /// the legend its human formats print. Empty for a report that names no state.
    var legendLines: [String] {
        var named = Set<DeviceState>()
        for (index, column) in columns.enumerated() where column == "state" || column == "item" {
            for row in rows { if let state = DeviceState(rawValue: row[index].text) { named.insert(state) } }
        }
        guard !named.isEmpty else { return [] }
        let policy = settings.first?.policy ?? LifecyclePolicy()
        let catalogue = presentation.catalogue
        let heading =
            settings.count > 1
            ? catalogue.text("label.legend_heading_tenants", ["tenant": settings[0].tenant])
            : catalogue.text("label.legend_heading")
        return [heading] + StateLegend.lines(for: named, policy: policy, in: catalogue)
    }
}
