import Foundation
import MDEAPI

extension DeviceStatus {
    /// The text `status` prints: the verdict, the device, the thresholds, then the evidence timeline.
    /// Long runs of routine lastSeen updates are shortened; `--json` has every entry.
    public func text(maxEvidence: Int = 24, presentation p: ReportPresentation = .plain) -> String {
        let finding = device.finding ? p.text("status.finding") + " " : ""
        var lines = [finding + p.show(verdict)]
        if let note = device.exceptionNote { lines.append(p.text("status.excepted") + " " + p.show(note)) }
        if let next = device.nextStep { lines.append(p.text("status.next_step") + " " + p.show(next)) }
        if let reporting = physicalDevice?.reportingAs { lines.append(p.show(Self.reportingLine(device, reporting))) }
        let marks =
            (device.finding ? " " + p.text("status.finding_mark") : "")
            + (device.exceptionNote != nil ? " " + p.text("status.excepted_mark") : "")
        // Labels padded to one width in terminal columns, whatever the language.
        func field(_ key: String) -> String { DisplayWidth.pad(p.text(key), to: 10) }
        lines += [
            "",
            field("status.device") + "\(device.id)  \(device.computerDnsName ?? "-")  "
                + p.text("status.tenant", ["tenant": device.tenant]),
            field("status.state") + "\(p.catalogue.state(device.state.rawValue))\(marks) "
                + p.text("status.as_of", ["time": p.time(device.asOf)]),
            field("status.policy")
                + p.text(
                    "status.policy_values",
                    [
                        "grace": "\(policy.offboardGraceHours)", "stale": "\(policy.staleHours)",
                        "inactive": "\(policy.inactiveDays)", "retention": "\(policy.retentionDays)",
                    ]),
            field("status.ledger") + p.text("status.head", ["head": head]),
            p.show(corrections.summary),
        ]
        lines += corrections.lines.map { "  " + p.show($0) }
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
        lines += ["", p.text("status.evidence")]
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
            lines.append("  \(p.time(entry.time))  \(p.show(entry.detail))")
        }
        if let document {
            lines += ["", p.text("status.document", ["time": p.time(device.asOf)]), "  " + document]
        }
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
