import Foundation

/// The lifecycle rules as pure Swift: no database, so each rule is one parametrised test.
///
/// The SQL view `device_states` (migrations/0002_lifecycle.sql) holds the same rules for reports;
/// `LifecycleAgreementTests` runs both over the same histories and requires them to agree.
public enum LifecycleRules {
    /// An Offboard request still pending after this long is a finding.
    public static let pendingFindingSeconds: Int64 = 7 * 86_400

    /// The state of a device as of `asOf`; the first rule that applies wins.
    public static func verdict(_ facts: DeviceFacts, asOf: Date, policy: LifecyclePolicy) -> DeviceVerdict {
        // Whole seconds, as the SQL view compares them, so both agree exactly at every threshold edge.
        let t = seconds(asOf)
        let l = facts.lastSeen.map(seconds)
        let r = facts.offboardRequestedAt.map(seconds)
        let d = facts.retiredAt.map(seconds)
        let grace = Int64(policy.offboardGraceHours) * 3_600
        let retention = Int64(policy.retentionDays) * 86_400
        let status = facts.offboardStatus

        if facts.removedFromSnapshot, l.map({ t < $0 + retention }) ?? true {
            return DeviceVerdict(.removed, finding: true)
        }
        if let l, t >= l + retention { return DeviceVerdict(.retentionExpired, finding: false) }
        if let status, ["Failed", "TimeOut", "Cancelled"].contains(status) {
            return DeviceVerdict(.offboardFailed, finding: true)
        }
        if let status, let r, ["Pending", "InProgress"].contains(status) {
            return DeviceVerdict(.offboardPending, finding: t - r > pendingFindingSeconds)
        }
        if status == "Succeeded", let r {
            if let l, l > r + grace { return DeviceVerdict(.offboardedStillReporting, finding: true) }
            if t < r + grace { return DeviceVerdict(.offboardConfirming, finding: false) }
            return DeviceVerdict(.offboarded, finding: false)
        }
        if let d, d <= t, r == nil {
            if let l, l > d + grace { return DeviceVerdict(.retiredStillReporting, finding: true) }
            return DeviceVerdict(.retiredNotOffboarded, finding: true)
        }
        // A missing or unknown onboarding status is not Onboarded: such a device uses no licence.
        if facts.onboardingStatus?.lowercased() != "onboarded" { return DeviceVerdict(.notOnboarded, finding: false) }
        guard let l else { return DeviceVerdict(.stale, finding: false) }  // never seen: nothing shows it is alive
        if t - l > Int64(policy.inactiveDays) * 86_400 { return DeviceVerdict(.inactive, finding: false) }
        if t - l > Int64(policy.staleHours) * 3_600 { return DeviceVerdict(.stale, finding: false) }
        return DeviceVerdict(.active, finding: false)
    }

    static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
