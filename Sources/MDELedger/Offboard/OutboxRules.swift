import Foundation

/// Why a device a selection considered is left out of a plan; nil when it goes in.
struct OutboxRules {
    let request: OutboxRequest
    /// The latest step of each device in earlier plans of the same kind.
    let history: [String: OutboxHistory.Latest]
    /// Current tags by machine id (tag plans only).
    let tags: [String: [String]]

    /// Who cancelled each device's latest Offboard action, when and why (offboard plans only).
    var cancellations: [String: Cancellation] = [:]

    static let openOrDone: Set<String> = ["Pending", "InProgress", "Succeeded"]
    static let failed: Set<String> = ["Failed", "TimeOut"]

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

    private func offboardReason(_ row: DeviceStateRow) -> String? {
        let action = row.offboardActionId ?? "-"
        if let status = row.offboardStatus, Self.openOrDone.contains(status) {
            return "already has an Offboard action \(status) (\(action))"
        }
        if row.offboardStatus == "Cancelled", !(request.retryFailed && request.includeCancelled) {
            let who = cancellations[row.id]?.text ?? "cancelled"
            return "its Offboard action \(action) was \(who); a person cancelled it, so it is not sent again unless "
                + "named: --device \(row.id) --retry-failed --include-cancelled"
        }
        if let status = row.offboardStatus, Self.failed.contains(status), !request.retryFailed {
            return "its Offboard action \(action) ended \(status); retry with --state offboard-failed --retry-failed"
        }
        if let refusal = OffboardPlatform.refusal(row.osPlatform) { return refusal }
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

/// Who cancelled an Offboard action, when, and their comment (`machine_actions`).
struct Cancellation: Sendable, Hashable {
    var requestor: String?
    var comment: String?
    var at: String?

    /// `cancelled by bob@contoso.com at 2026-11-02T09:00:00Z ("Requested by mistake")`.
    var text: String {
        var out = "cancelled by \(requestor ?? "an unknown requestor")"
        if let at { out += " at \(at)" }
        if let comment, !comment.isEmpty { out += " (\"\(comment)\")" }
        return out
    }
}
