import Foundation
import MDEAPI
import MDELedger

/// The text `offboard` and `tag` print. Every line passes through `ErrorText.display`: device names, comments and
/// requesters come from the API, files and the command line, and must not drive the terminal or forge plan lines.
enum OutboxText {
    static func preview(_ preview: OutboxPreview, what: String, listSelected: Bool) -> String {
        var lines = [
            "\(what) for tenant \(preview.tenant.name) as of \(preview.asOf ?? "no snapshot yet"): "
                + "\(preview.selected.count) selected, \(preview.skipped.count) skipped"
        ]
        if listSelected {
            lines.append("selected:")
            for d in preview.selected {
                lines.append(
                    "  \(d.id)  \(d.computerDnsName ?? "-")  \(d.osPlatform ?? "-")  lastSeen \(d.lastSeen ?? "-")  \(d.reason)"
                )
                if !d.provenance.isEmpty { lines.append("      \(d.provenance)") }
            }
        }
        if !preview.skipped.isEmpty {
            lines.append("skipped:")
            for s in preview.skipped {
                let name = s.id.map { id in s.device == id ? id : "\(s.device) (\(id))" } ?? s.device
                lines.append("  \(name): \(s.reason)")
            }
        }
        if let plan = preview.resumablePlan {
            lines.append("plan \(plan) has the same selection and is unfinished: a run resumes it")
        }
        return lines.map(ErrorText.display).joined(separator: "\n")
    }

    static func summary(_ s: OutboxRunSummary) -> String {
        let plan = s.plan
        let counts = Dictionary(grouping: s.devices, by: \.step).mapValues(\.count)
        func count(_ step: OutboxStep) -> Int { counts[step] ?? 0 }
        var out = header(plan) + (s.resumed ? " (resumed)" : "") + "\n"
        out += "  this run sent requests for \(s.sentThisRun) devices; "
        out += "api: \(s.apiCalls) calls, \(s.throttled) throttled (429)\n"
        out +=
            "  accepted \(count(.accepted)), already requested \(count(.alreadyRequested)), "
            + "rejected \(count(.rejected)), still open \(count(.planned) + count(.sent) + count(.deferred)), "
            + "skipped \(s.skipped.count)\n"
        if !s.snapshotRuns.isEmpty {
            out +=
                "  ledger runs \(s.snapshotRuns.map(String.init).joined(separator: ", ")) hold what the API returned\n"
        }
        for d in s.devices where d.step != .accepted || plan.kind == .offboard {
            out += "  " + line(d) + "\n"
        }
        if count(.planned) + count(.sent) + count(.deferred) > 0 {
            out += "some requests are still open; run the same command again to finish the plan\n"
        }
        return out
    }

    static func header(_ plan: OutboxPlan) -> String {
        var text = "plan \(plan.id): \(plan.kind.rawValue)" + (plan.tag.map { " \($0)" } ?? "")
        text += " of \(plan.devices) devices, "
        text += "requested by \(plan.requestedBy) via app \(plan.clientId) at \(plan.createdAt)"
        if let comment = plan.comment { text += ", comment \"\(comment)\"" }
        return ErrorText.display(text)
    }

    /// One device of a plan: `<id>  <name>  accepted  action <id> (Pending)`.
    static func line(_ d: OutboxDeviceStep) -> String {
        var text = "\(d.machineId)  \(d.computerDnsName ?? "-")  \(d.step.rawValue)"
        if let action = d.actionId { text += "  action \(action) (\(d.actionStatus ?? "not yet in the ledger"))" }
        if d.reconciled { text += ", found by listing after a lost answer" }
        if !d.error.isEmpty { text += "  \(d.error)" }
        return ErrorText.display(text)
    }
}
