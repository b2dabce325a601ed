import ArgumentParser
import Foundation
import MDELedger

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List devices with their lifecycle state, now or as of a past date.",
        discussion: """
            States (first rule that applies): \(DeviceState.allCases.map(\.rawValue).joined(separator: ", ")). \
            Without --as-of the answer is as of the tenant's latest committed sync or import; --as-of answers from \
            the history the ledger held at that time (a date alone means 00:00 UTC). --known-at answers with only \
            what the ledger had recorded at an earlier head (SEQ:HASH as a report prints it, proved first; SEQ; or \
            a time), so an answer given then is reproduced exactly even after later corrections (back-dated \
            settings or retirements, late imports). The table starts with a line naming the time, the thresholds \
            and the head used; csv and json print only the devices.
            """
    )

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var scope: TenantScope
    @OptionGroup var presentation: PresentationOptions

    @Option(help: ArgumentHelp("Only devices in this state.", valueName: "state"))
    var state: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Answer as of this date or time.", valueName: "date"))
    var asOf: String?

    @Option(
        name: .customLong("known-at"),
        help: ArgumentHelp(
            "Answer with only what was recorded at or before this head (SEQ:HASH, SEQ or a time).", valueName: "head"))
    var knownAt: String?

    @Option(help: ArgumentHelp("table, csv or json.", valueName: "format"))
    var format: String = "table"

    @Flag(name: .customLong("fail-on-findings"), help: "Exit 2 when a listed device is a finding.")
    var failOnFindings = false

    @Flag(
        name: .customLong("fail-on-new-findings"),
        help: ArgumentHelp(
            "Exit 2 only for listed devices that are findings now but were not at the previous run, as known when "
                + "that run committed; standing findings do not fire every day. The new ones are named on stderr."))
    var failOnNewFindings = false

    func validate() throws {
        if let state, DeviceState(rawValue: state) == nil {
            throw ValidationError(
                "unknown state '\(state)'; use one of: \(DeviceState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard DeviceListFormat(rawValue: format) != nil else {
            throw ValidationError("unknown format '\(format)'; use table, csv or json")
        }
        _ = try parseAsOf(asOf)
        if failOnFindings && failOnNewFindings {
            throw ValidationError("pass --fail-on-findings or --fail-on-new-findings, not both")
        }
    }

    func run() throws {
        let opened = try ledger.openForQuestions()
        let tenant = try scope.resolve(opened)
        let known = try knownAt.map(opened.knownAt)
        let rows = try opened.deviceStates(
            tenant: tenant, asOf: try parseAsOf(asOf), state: state.flatMap(DeviceState.init(rawValue:)),
            knownAt: known)
        let outputFormat = DeviceListFormat(rawValue: format)!
        if outputFormat == .table {
            print(
                try opened.describeScope(tenant: tenant, asOf: try parseAsOf(asOf), count: rows.count, knownAt: known))
            let corrections = try opened.deviceListCorrections(
                tenant: tenant, asOf: try parseAsOf(asOf), knownAt: known)
            for (name, list) in corrections.sorted(by: { $0.key < $1.key }) {
                for line in [list.summary] + list.lines { print("# tenant \(name) \(line)") }
            }
        }
        print(
            try DeviceListOutput.render(
                rows, format: outputFormat, withTenant: tenant == nil, presentation: presentation.presentation()),
            terminator: "")
        if failOnFindings && rows.contains(where: \.finding) { throw ExitCode(2) }
        if failOnNewFindings { try failOnNew(rows, opened, tenant: tenant) }
    }

    /// Exits 2 when a listed device is a finding it was not at the previous run, naming them on stderr.
    private func failOnNew(_ rows: [DeviceStateRow], _ opened: Ledger, tenant: TenantRecord?) throws {
        guard let now = rows.map(\.asOf).max() else { return }
        let previous = try opened.previousSnapshotTime(before: now, tenant: tenant)
        var before: [DeviceStateRow] = []
        if let previous {
            before = try opened.deviceStates(
                tenant: tenant, asOf: previous, state: state.flatMap(DeviceState.init(rawValue:)),
                knownAt: try opened.knowledge(covering: previous, tenant: tenant))
        }
        let earlier = Set(before.filter(\.finding).map { "\($0.tenant) \($0.id)" })
        try NewFindingsExit.exitIfAny(
            rows.filter(\.finding).map { "\($0.tenant) \($0.id)" }.filter { !earlier.contains($0) }, since: previous)
    }
}
