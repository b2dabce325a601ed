import Foundation
import MDEAPI

extension DeviceStatus {
    /// The text `status` prints: the verdict, the device, the thresholds, then the evidence timeline.
    /// Long runs of routine lastSeen updates are shortened; `--json` has every entry.
    public func text(maxEvidence: Int = 24) -> String {
        var lines = [(device.finding ? "FINDING: " : "") + verdict]
        if let note = device.exceptionNote { lines.append("EXCEPTED: \(note)") }
        if let next = device.nextStep { lines.append("next step: \(next)") }
        if let reporting = physicalDevice?.reportingAs { lines.append(Self.reportingLine(device, reporting)) }
        lines += [
            "",
            "device:   \(device.id)  \(device.computerDnsName ?? "-")  (tenant \(device.tenant))",
            "state:    \(device.state.rawValue)\(device.finding ? " (finding)" : "")\(device.exceptionNote != nil ? " (finding, excepted)" : "") as of \(device.asOf)",
            "policy:   offboard grace \(policy.offboardGraceHours) h, stale \(policy.staleHours) h, "
                + "inactive \(policy.inactiveDays) d, retention \(policy.retentionDays) d",
            "ledger:   head \(head) (prove it later with verify --head)",
            corrections.summary,
        ]
        lines += corrections.lines.map { "  " + $0 }
        if let physical = physicalDevice {
            lines.append(
                "physical: one device under \(physical.ids) MDE ids (merge chain or shared Entra device id); "
                    + (physical.physicalId == device.id
                        ? "this id represents it" : "\(physical.physicalId) represents it")
                    + "; the others:")
            for other in physical.others {
                lines.append(
                    "  \(other.id)  \(other.computerDnsName ?? "-")  \(other.state.rawValue)\(other.finding ? " (finding)" : "")"
                        + "  first seen \(other.firstSeen ?? "-")  lastSeen \(other.lastSeen ?? "-")  (\(other.link))")
            }
        }
        lines += ["", "evidence:"]
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

    /// Where the device's telemetry went on: another id of the same physical device that reports later.
    static func reportingLine(_ device: DeviceStateRow, _ other: PhysicalDevice.Member) -> String {
        let name = other.computerDnsName.map { " (\($0))" } ?? ""
        let tail = "lastSeen \(other.lastSeen ?? "-"), state \(other.state.rawValue)"
        if let retiredAt = device.retiredAt, let retired = UTCTime.parse(retiredAt),
            let seen = other.lastSeen.flatMap(UTCTime.parse), seen > retired
        {
            return "the same physical device still sends telemetry after the retirement as \(other.id)\(name): \(tail)"
        }
        return "the same physical device reports as \(other.id)\(name): \(tail)"
    }
}
