import Foundation

/// Why a device a selection considered is left out of a plan; nil when it goes in.
struct OutboxRules {
    let request: OutboxRequest
    /// The latest step of each device in earlier plans of the same kind.
    let history: [String: OutboxHistory.Latest]
    /// Current tags by machine id (tag plans only).
    let tags: [String: [String]]

    static let openOrDone: Set<String> = ["Pending", "InProgress", "Succeeded"]
    static let failed: Set<String> = ["Failed", "TimeOut", "Cancelled"]

    func skipReason(_ row: DeviceStateRow) -> String? {
        switch row.state {
        case .removed: return "removed: a complete snapshot no longer lists it"
        case .retentionExpired: return "retention expired: MDE no longer holds its data"
        default: break
        }
        switch request.kind {
        case .offboard: return offboardReason(row)
        case .tagAdd, .tagRemove: return tagReason(row)
        }
    }

    /// Platforms the offboard API refuses (offboard-machine-api.md): they are offboarded with a local package.
    static func cannotOffboard(_ platform: String?) -> Bool {
        guard let platform = platform?.lowercased() else { return false }
        return ["mac", "linux", "ios", "android"].contains { platform.contains($0) }
    }

    private func offboardReason(_ row: DeviceStateRow) -> String? {
        let action = row.offboardActionId ?? "-"
        if let status = row.offboardStatus, Self.openOrDone.contains(status) {
            return "already has an Offboard action \(status) (\(action))"
        }
        if let status = row.offboardStatus, Self.failed.contains(status), !request.retryFailed {
            return "its Offboard action \(action) ended \(status); retry with --state offboard-failed --retry-failed"
        }
        if Self.cannotOffboard(row.osPlatform) {
            return "\(row.osPlatform ?? "-"): the API cannot offboard macOS or Linux devices; "
                + "use the offboarding script (portal: Settings → Endpoints → Offboarding)"
        }
        if (row.onboardingStatus ?? "").lowercased() != "onboarded" {
            return "not onboarded (\(row.onboardingStatus ?? "no onboarding status")): nothing to offboard"
        }
        if let last = history[row.id] {
            switch last.step {
            case .accepted, .alreadyRequested:
                if row.offboardStatus == nil {
                    return "already requested in plan \(last.plan)" + (last.actionId.map { " (action \($0))" } ?? "")
                }
            case .rejected where !request.retryFailed:
                return "rejected by the API in plan \(last.plan): \(last.error); not retried without --retry-failed"
            case .planned, .sent, .deferred:
                return "waiting in unfinished plan \(last.plan); run that selection again to finish it"
            default: break
            }
        }
        return nil
    }

    private func tagReason(_ row: DeviceStateRow) -> String? {
        guard let tag = request.tag else { return nil }
        let has = (tags[row.id] ?? []).contains(tag)
        if request.kind == .tagAdd && has { return "already tagged \(tag)" }
        if request.kind == .tagRemove && !has { return "not tagged \(tag)" }
        if let last = history[row.id], last.step.isOpen, last.tag == tag {
            return "waiting in unfinished plan \(last.plan); run that selection again to finish it"
        }
        return nil
    }
}
