import Foundation
import MDEAPI
import MDELedger

/// `offboard --status [PLAN]`: the plans, or where each device of one plan stands.
enum OffboardStatus {
    static func print(ledger: Ledger, plan: Int64?) throws {
        guard let plan else {
            let plans = try ledger.outboxPlans()
            if plans.isEmpty {
                Swift.print("no plans yet; 'mde-ledger offboard --dry-run …' shows what one would send")
            }
            for p in plans {
                let steps = try ledger.outboxSteps(p.id)
                let counts = Dictionary(grouping: steps, by: \.step).mapValues(\.count)
                let text = OutboxStep.allCases.compactMap { step in counts[step].map { "\($0) \(step.rawValue)" } }
                Swift.print(
                    OutboxText.header(p) + "\n  " + (text.isEmpty ? "no devices" : text.joined(separator: ", ")))
            }
            return
        }
        let p = try ledger.outboxPlan(plan)
        Swift.print(OutboxText.header(p))
        Swift.print(ErrorText.display("  selection \(p.selection), tenant \(p.tenant), api \(p.apiBaseURL)"))
        if let sent = p.sentComment { Swift.print(ErrorText.display("  comment sent to MDE: \"\(sent)\"")) }
        if let sha = p.documentSHA256 { Swift.print("  plan sha256 \(sha)") }
        for d in try ledger.outboxSteps(plan) { Swift.print("  " + OutboxText.line(d)) }
        let skipped = (try? JSONSerialization.jsonObject(with: Data(p.skipped.utf8))) as? [[String: Any]] ?? []
        if !skipped.isEmpty { Swift.print("  skipped when planned:") }
        for s in skipped {
            let device = s["device"] as? String ?? "-"
            let id = (s["id"] as? String).map { $0 == device ? "" : " (\($0))" } ?? ""
            Swift.print(ErrorText.display("    \(device)\(id): \(s["reason"] as? String ?? "-")"))
        }
    }
}
