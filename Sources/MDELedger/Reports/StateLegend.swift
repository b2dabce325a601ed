import Foundation

/// The lifecycle states a report shows, each with its rule and the thresholds in force: the legend of the human
/// formats (Markdown, HTML). The rules themselves are the SQL view `device_states`; these sentences say the same in
/// words, in the same order (the first rule that applies wins), and `StateLegendTests` keeps one sentence per state.
public enum StateLegend {
    /// One sentence per state, with `policy`'s thresholds.
    public static func rule(_ state: DeviceState, _ p: LifecyclePolicy) -> String {
        switch state {
        case .removed: "a complete snapshot no longer lists it although its data is kept (finding)"
        case .retentionExpired: "no signal for \(p.retentionDays) days: MDE deleted its data"
        case .offboardFailed: "its latest Offboard action failed, timed out or was cancelled (finding)"
        case .offboardPending: "its latest Offboard action is pending (a finding after 7 days)"
        case .offboardedStillReporting:
            "offboarded, and lastSeen advanced more than \(p.offboardGraceHours) h after the request (finding)"
        case .offboardConfirming: "offboarded less than \(p.offboardGraceHours) h ago: silence not yet confirmed"
        case .offboarded: "offboarded, and silent since"
        case .retiredStillReporting:
            "retired, not offboarded, and lastSeen advanced more than \(p.offboardGraceHours) h after the retirement "
                + "(finding)"
        case .retiredNotOffboarded: "retired and not offboarded: it reports again whenever it is powered on (finding)"
        case .notOnboarded: "discovered, not onboarded: uses no licence"
        case .inactive: "no report for more than \(p.inactiveDays) days"
        case .stale: "no report for more than \(p.staleHours) h"
        case .active: "reported within \(p.staleHours) h"
        }
    }

    /// The legend lines for the states in `states` (all when nil), in rule order.
    public static func lines(for states: Set<DeviceState>?, policy: LifecyclePolicy) -> [String] {
        DeviceState.allCases.filter { states?.contains($0) ?? true }.map { "\($0.rawValue): \(rule($0, policy))" }
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
        let scope = settings.count > 1 ? " (thresholds of tenant \(settings[0].tenant); each tenant's are above)" : ""
        return ["states\(scope), the first rule that applies wins:"]
            + StateLegend.lines(for: named, policy: policy)
    }
}
