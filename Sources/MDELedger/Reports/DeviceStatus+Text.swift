import Foundation

extension DeviceStatus {
    /// The text `status` prints: the verdict, the device, the thresholds, then the evidence timeline.
    /// Long runs of routine lastSeen updates are shortened; `--json` has every entry.
    public func text(maxEvidence: Int = 24) -> String {
        var lines = [
            (device.finding ? "FINDING: " : "") + verdict,
            "",
            "device:   \(device.id)  \(device.computerDnsName ?? "-")  (tenant \(device.tenant))",
            "state:    \(device.state.rawValue)\(device.finding ? " (finding)" : "") as of \(device.asOf)",
            "policy:   offboard grace \(policy.offboardGraceHours) h, stale \(policy.staleHours) h, "
                + "inactive \(policy.inactiveDays) d, retention \(policy.retentionDays) d",
            "ledger:   head \(head) (prove it later with verify --head)",
            corrections.summary,
            "",
            "evidence:",
        ]
        if !corrections.lines.isEmpty {
            lines.insert(contentsOf: corrections.lines.map { "  " + $0 }, at: lines.count - 2)
        }
        var shown = evidence
        var hidden = 0
        if evidence.count > maxEvidence {
            let head = maxEvidence / 3
            hidden = evidence.count - maxEvidence
            shown = Array(evidence.prefix(head)) + Array(evidence.suffix(maxEvidence - head))
        }
        for (index, entry) in shown.enumerated() {
            if hidden > 0 && index == maxEvidence / 3 {
                lines.append("  … \(hidden) more entries (use --json for all)")
            }
            lines.append("  \(entry.time)  \(entry.detail)")
        }
        if let document { lines += ["", "document as of \(device.asOf):", "  " + document] }
        // Names, comments and requestors come from the API or a file: no control characters reach the terminal.
        return lines.map(TextTable.sanitize).joined(separator: "\n") + "\n"
    }
}
