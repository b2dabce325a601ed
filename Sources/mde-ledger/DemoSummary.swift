import Foundation
import MDEAPI
import MDELedger

/// The demo's last words: the findings of the last month, one still-reporting device's evidence, where the
/// files are, and how to check and open the ledger.
struct DemoSummary {
    let folder: DemoFolder
    let ledger: Ledger
    let monthEnd: Date
    let reportFiles: [String]
    /// The app id the demo offboards with.
    let clientId: String

    func print() throws {
        let asOf = UTCTime.format(monthEnd)
        let rows = try ledger.deviceStates(tenant: nil, asOf: asOf)
        let counts = Dictionary(grouping: rows, by: \.state).mapValues(\.count)
        var lines = ["== summary: findings as of \(asOf) (\(rows.count) devices in the ledger) =="]
        for state in DeviceState.allCases {
            guard let count = counts[state] else { continue }
            let finding = rows.contains { $0.state == state && $0.finding }
            lines.append(
                "  \(state.rawValue.padding(toLength: 28, withPad: " ", startingAt: 0))"
                    + "\(String(count).leftPadded(6))\(finding ? "  finding" : "")")
        }
        // One the demo offboarded itself if there is one, else any device still reporting after offboarding
        // or retirement.
        let still = [
            rows.filter { $0.state == .offboardedStillReporting && $0.offboardRequestor == clientId },
            rows.filter { $0.state == .offboardedStillReporting }, rows.filter { $0.state == .retiredStillReporting },
        ].lazy.compactMap { $0.min { $0.id < $1.id } }.first
        if let still {
            lines.append("\n== mde-ledger status \(still.id) ==")
            let status = try ledger.deviceStatus(still.id, tenant: nil, asOf: asOf)
            lines.append(status.text(maxEvidence: 12).trimmingCharacters(in: .newlines))
        }
        let relative = reportFiles.map { String($0.dropFirst(folder.url.path.count + 1)) }
        lines.append("\n== files in \(folder.shown) ==")
        lines.append("  \(relative.count) reports, the last month's:")
        lines += relative.suffix(3).map { "    \($0)" }
        lines.append("  retirement list (the asset system's): retired-2.csv; the first retirements came from Intune")
        lines.append("  ledger: mde-ledger.sqlite")
        let verified = try ledger.verify()
        lines.append(
            "\n== verify: \(verified.ok ? "ok" : "FAILED"), \(verified.eventsChecked) events, "
                + "\(verified.runsChecked) runs, head \(verified.head) ==")
        lines += verified.problems.map { "  \($0)" }
        let db = folder.shown + "/mde-ledger.sqlite"
        lines.append(
            """

            Ask the ledger yourself:
              mde-ledger devices --db \(db) --state offboarded-still-reporting
              mde-ledger status --db \(db) \(still?.id ?? "DEVICE")
              mde-ledger verify --db \(db) --head \(verified.head)
              sqlite3 \(db) "SELECT kind, count(*) FROM events GROUP BY kind ORDER BY 2 DESC"
            """)
        Swift.print(lines.joined(separator: "\n"))
        if !verified.ok { throw CLIFailure(message: "the demo ledger did not verify; see the problems above") }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
