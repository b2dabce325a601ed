import Foundation
import MDEAPI

/// The one-sentence verdicts `status` prints.
public enum VerdictText {
    public static func sentence(_ d: DeviceStateRow, policy: LifecyclePolicy) -> String {
        let lastSeen = d.lastSeen ?? "never"
        let requested = "offboard requested \(day(d.offboardRequestedAt)) by \(d.offboardRequestor ?? "unknown")"
        switch d.state {
        case .active:
            return "active: reporting normally, lastSeen \(lastSeen)"
        case .stale:
            return "stale: lastSeen \(lastSeen) is more than \(policy.staleHours) h old"
        case .inactive:
            return "inactive: no full report since \(lastSeen) (more than \(policy.inactiveDays) days)"
        case .notOnboarded:
            return "not onboarded: onboardingStatus \(d.onboardingStatus ?? "-") (discovered, counts no licence)"
        case .retiredNotOffboarded:
            return "\(retired(d)) but never offboarded: it reports again whenever it is powered on;"
                + " lastSeen \(lastSeen)"
        case .retiredStillReporting:
            if let days = silentDays(d, policy: policy) {
                return
                    "reported after retirement (last on \(day(d.lastSeen))), silent for \(days) days: \(retired(d)), "
                    + "not offboarded"
            }
            return "still sending telemetry: \(retired(d)), not offboarded, lastSeen advanced to \(lastSeen)"
        case .offboardedStillReporting:
            if let days = silentDays(d, policy: policy) {
                return "reported after offboarding (last on \(day(d.lastSeen))), silent for \(days) days: \(requested)"
            }
            return "still sending telemetry: \(requested), lastSeen advanced to \(lastSeen)"
        case .offboardConfirming:
            return "offboarding: \(requested) succeeded; silence is confirmed \(policy.offboardGraceHours) h after the"
                + " request"
        case .offboarded:
            return "offboarded: \(requested) succeeded, and no report since lastSeen \(lastSeen)"
        case .offboardPending:
            return "offboard pending: \(requested), status \(d.offboardStatus ?? "-")"
                + (d.finding ? " for more than 7 days" : "")
        case .offboardFailed:
            return "offboard failed: \(requested) ended \(d.offboardStatus ?? "-"); the device is not offboarded"
        case .retentionExpired:
            return "retention expired: no signal since \(lastSeen); MDE deleted its data after \(policy.retentionDays)"
                + " days"
        case .removed:
            return "removed: no longer listed by MDE although its retention had not expired; lastSeen \(lastSeen)"
        }
    }

    /// Whole days since lastSeen when it is older than the stale threshold at the as-of time, else nil: "still
    /// sending telemetry" is said only while the telemetry is recent.
    static func silentDays(_ d: DeviceStateRow, policy: LifecyclePolicy) -> Int? {
        guard let seen = d.lastSeen.flatMap(UTCTime.parse), let asOf = UTCTime.parse(d.asOf) else { return nil }
        let silent = asOf.timeIntervalSince(seen)
        return silent > Double(policy.staleHours) * 3600 ? Int(silent / 86_400) : nil
    }

    /// "retired DATE", naming the earlier id whose retirement a successor inherits.
    static func retired(_ d: DeviceStateRow) -> String {
        "retired \(day(d.retiredAt))" + (d.retiredVia.map { " (as its earlier id \($0))" } ?? "")
    }

    /// The date part of a canonical time, for sentences.
    static func day(_ time: String?) -> String {
        time.map { String($0.prefix(10)) } ?? "on an unknown date"
    }
}
