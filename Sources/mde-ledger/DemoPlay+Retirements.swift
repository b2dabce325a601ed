import Foundation
import MDEAPI
import MDELedger

/// Two retirements: the first in Intune, seen by the sync's Graph step and offboarded at once; the second a list from
/// the asset system, which waits for its change window.
extension DemoPlay {
    /// Retires about 4% of the active devices in Intune, syncs (the Graph step records the retirements with
    /// Intune's evidence), then offboards them: a dry run, then for real.
    func firstRetirementList() async throws {
        let retired = try activeDevices().filter { cast.picks($0.id, "retired", perMille: 40) }
        for device in retired {
            // An Intune profile re-onboards some: they keep reporting after a successful offboard. Others sit
            // switched off in a drawer, so their offboard action times out after seven days.
            if cast.picks(device.id, "re-onboarded", perMille: 150) {
                simulator.setKeepsReporting(device.id)
            } else if cast.picks(device.id, "drawer", perMille: 150) {
                simulator.retireDeviceSilently(device.id)
            }
        }
        // Intune manages the clients; a server or a re-imaged twin it does not know stays active.
        let inIntune = retired.filter { simulator.retireInIntune($0.id) }
        print(
            "            retired in Intune: \(inIntune.count) devices (\(retired.count - inIntune.count) of the "
                + "\(retired.count) picked are not managed by Intune)")
        try await sync(" (Intune's retirements, through Graph)")
        let request = OutboxRequest(
            kind: .offboard, selection: .retired, comment: "Retired per CHG-1001 (mde-ledger demo)",
            requestedBy: "demo", clientId: credentials.clientId, apiBaseURL: endpoints.baseURL.absoluteString)
        let preview = try ledger.previewOutbox(request)
        try ledger.recordDryRun(request, preview)
        print(
            "            offboard --retired --dry-run: \(preview.selected.count) would be sent, "
                + "\(preview.skipped.count) skipped\(Self.skippedText(preview.skipped))")
        let engine = OutboxEngine(ledger: ledger, client: client())
        guard let summary = try await engine.run(request, preview: preview) else { return }
        let text = OutboxText.summary(summary).split(separator: "\n").prefix(3)
        print(
            text.map { "            offboard --retired --yes: " + $0.trimmingCharacters(in: .whitespaces) }
                .joined(separator: "\n"))
    }

    /// The asset system's list retires about 1.5% more; half of them are switched off. Nobody offboards them within
    /// the demo.
    func secondRetirementList() throws {
        let retired = try activeDevices().filter { $0.retiredAt == nil && cast.picks($0.id, "retired-2", perMille: 15) }
        for device in retired where cast.picks(device.id, "stock", perMille: 500) {
            simulator.retireDeviceSilently(device.id)
        }
        // Retired as of now, so the switched-off half last reported before its retirement: not offboarded, but
        // silent; the other half keeps reporting after its retirement.
        let path = try writeList(retired, name: "retired-2.csv", on: simulator.now())
        try importList(path)
        print("            this list waits for its change window: its devices are never offboarded in the demo")
    }

    private func activeDevices() throws -> [DeviceStateRow] {
        try ledger.deviceStates(tenant: nil, asOf: nil).filter { $0.state == .active }.sorted { $0.id < $1.id }
    }

    /// The list as the asset system would export it: device id, retirement date, a note.
    private func writeList(_ devices: [DeviceStateRow], name: String, on date: Date) throws -> String {
        let day = UTCTime.format(date)
        let rows = devices.map { "\($0.id),\(day),returned to IT" }
        let path = folder.file(name)
        try (["device,retired_on,note"] + rows).joined(separator: "\n").appending("\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func importList(_ path: String) throws {
        let summary = try ledger.importRetirements(path: path, tenant: TenantSelection())
        print(
            "            import retired \(URL(fileURLWithPath: path).lastPathComponent): \(summary.rows) retirements, "
                + "\(summary.recorded) recorded, \(summary.lifecycleTransitions) lifecycle transitions")
    }
}

extension DemoPlay {
    /// " (5 macOS, 2 Linux: the API cannot offboard …)": the reasons once, with the platforms they cover.
    static func skippedText(_ skipped: [SkippedDevice]) -> String {
        guard !skipped.isEmpty else { return "" }
        let parts = skipped.map { s -> (String, String) in
            guard let colon = s.reason.range(of: ": ") else { return ("", s.reason) }
            return (String(s.reason[..<colon.lowerBound]), String(s.reason[colon.upperBound...]))
        }
        let byReason = Dictionary(grouping: parts, by: \.1)
        let texts = byReason.keys.sorted().map { reason -> String in
            let kinds = Dictionary(grouping: byReason[reason]!, by: \.0).map { ($0.key, $0.value.count) }
                .sorted { ($0.1, $1.0) > ($1.1, $0.0) }
                .map { $0.0.isEmpty ? "\($0.1)" : "\($0.1) \($0.0)" }
            return kinds.joined(separator: ", ") + ": " + reason
        }
        return " (" + texts.joined(separator: "; ") + ")"
    }
}
