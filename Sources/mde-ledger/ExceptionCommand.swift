import ArgumentParser
import Foundation
import MDEAPI
import MDELedger

/// `mde-ledger exception add|list|revoke`: accepted risks, recorded like every other fact.
struct ExceptionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exception",
        abstract: "Accept the risk of a finding for a while: add, list or revoke an exception.",
        discussion: """
            An exception names one device, the finding state it accepts, a reason and a last day. While the device \
            is in that state and the exception is in force, reports and status show the finding as excepted (with \
            the reason, approver and last day) and do not count it; it counts again when the exception expires or \
            is revoked, or when the device moves to another finding state. It also closes what the tool cannot: a \
            device re-onboarded on purpose, a platform offboarded in a way the ledger never sees.

            Exceptions are history like everything else: each is recorded in a run of its own with a chained event, \
            a revocation is a second fact, and 'verify' checks both. An exception applies from the start of the day \
            it is recorded (UTC), or of --from; an earlier --from changes answers about the past, and reports list \
            it among their corrections.
            """,
        subcommands: [ExceptionAddCommand.self, ExceptionListCommand.self, ExceptionRevokeCommand.self]
    )
}

struct ExceptionAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Except one device's finding in one state until a day.")

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("The tenant (needed when the ledger has several).", valueName: "name"))
    var tenant: String?

    @Option(
        help: ArgumentHelp(
            "The finding state it accepts: "
                + Ledger.exceptableStates.map(\.rawValue).joined(separator: ", ") + ".", valueName: "state"))
    var state: String

    @Option(help: ArgumentHelp("Why the risk is accepted (required), e.g. a risk register entry.", valueName: "text"))
    var reason: String

    @Option(help: ArgumentHelp("The last day it applies, YYYY-MM-DD (UTC).", valueName: "date"))
    var until: String

    @Option(help: ArgumentHelp("The first day it applies, YYYY-MM-DD (default: today, UTC).", valueName: "date"))
    var from: String?

    @Option(
        name: .customLong("approved-by"), help: ArgumentHelp("Who approved the exception.", valueName: "name"))
    var approvedBy: String?

    @Option(
        name: .customLong("requested-by"),
        help: ArgumentHelp("The person recording it (default: $USER).", valueName: "name"))
    var requestedBy: String?

    @Argument(help: ArgumentHelp("A device id, Entra device id or exact name.", valueName: "device"))
    var device: String

    func validate() throws {
        guard let parsed = DeviceState(rawValue: state), Ledger.exceptableStates.contains(parsed) else {
            throw ValidationError(
                "--state takes a state that can be a finding ("
                    + Ledger.exceptableStates.map(\.rawValue).joined(separator: ", ") + "), not '\(state)'")
        }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--reason is required: it is shown with the excepted finding in every report")
        }
        for (name, day) in [("--until", until), ("--from", from)] {
            if let day, !Self.isDay(day) {
                throw ValidationError("\(name) takes a day as YYYY-MM-DD (UTC), e.g. 2027-03-31, not '\(day)'")
            }
        }
        if let approvedBy, approvedBy.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--approved-by must name a person")
        }
    }

    static func isDay(_ text: String) -> Bool {
        text.count == 10 && UTCTime.canonical(text).map { $0.hasPrefix(text) } == true
    }

    func run() throws {
        let person = try Requester.resolve(requestedBy, env: ProcessInfo.processInfo.environment, required: true)
        let opened = try ledger.open()
        let added = try opened.addException(
            device: device, state: DeviceState(rawValue: state)!, reason: reason, until: until, from: from,
            approvedBy: approvedBy, by: person, tenant: TenantSelection(name: tenant))
        ledger.keepAnswers(opened)
        let x = added.exception
        print(
            ErrorText.display(
                "run \(added.run) for tenant \(x.tenant): exception \(x.id) for \(x.machineId) "
                    + "(\(x.computerDnsName ?? "-")) in state \(x.state), \(String(x.validFrom.prefix(10))) to "
                    + "\(x.until)\(x.approvedBy.map { ", approved by \($0)" } ?? ""): \(x.reason)"))
        if let current = added.currentState, current != x.state {
            print(
                "note: as of its latest sync the device is \(current), not \(x.state); the exception applies only "
                    + "while it is \(x.state)")
        }
    }
}

struct ExceptionListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every exception, with whether it is in force, expired or revoked.")

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("The tenant (default: every tenant).", valueName: "name"))
    var tenant: String?

    @Option(help: ArgumentHelp("table, csv or json (csv and json keep every value exactly).", valueName: "format"))
    var format = "table"

    func validate() throws {
        guard DeviceListFormat(rawValue: format) != nil else {
            throw ValidationError("--format takes table, csv or json, not '\(format)'")
        }
    }

    func run() throws {
        let opened = try ledger.open(readOnly: true)
        let list = try opened.exceptions(tenant: tenant.map { TenantSelection(name: $0) })
        let now = opened.clock.nowText()
        switch DeviceListFormat(rawValue: format)! {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(list), as: UTF8.self))
        case .csv:
            print(
                try CSVOutput.render(header: Self.header, rows: list.map { Self.cells($0, now: now) }), terminator: "")
        case .table:
            if list.isEmpty {
                print(
                    "no exceptions; 'mde-ledger exception add DEVICE --state STATE --reason TEXT --until DATE' adds one"
                )
                return
            }
            let rows = list.map { x in
                [
                    String(x.id), x.machineId, x.computerDnsName ?? "-", x.state,
                    "\(String(x.validFrom.prefix(10)))..\(x.until)", x.approvedBy ?? "-",
                    x.status(at: now) + (x.revokedAt.map { " \($0) by \(x.revokedBy ?? "-")" } ?? ""), x.reason,
                ]
            }
            print(
                TextTable.render(
                    header: ["ID", "DEVICE", "NAME", "STATE", "DAYS", "APPROVED BY", "STATUS", "REASON"], rows: rows),
                terminator: "")
        }
    }

    static let header = [
        "id", "tenant", "machine_id", "computer_dns_name", "state", "reason", "approved_by", "recorded_by",
        "recorded_at", "valid_from", "until", "status", "revoked_at", "revoked_by", "revocation_reason",
    ]

    static func cells(_ x: FindingException, now: String) -> [String] {
        [
            String(x.id), x.tenant, x.machineId, x.computerDnsName ?? "", x.state, x.reason, x.approvedBy ?? "",
            x.recordedBy, x.recordedAt, x.validFrom, x.until, x.status(at: now), x.revokedAt ?? "",
            x.revokedBy ?? "", x.revocationReason ?? "",
        ]
    }
}

struct ExceptionRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "End an exception now (recorded with who, when and why).")

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("Why it ends (required).", valueName: "text"))
    var reason: String

    @Option(
        name: .customLong("requested-by"),
        help: ArgumentHelp("The person revoking it (default: $USER).", valueName: "name"))
    var requestedBy: String?

    @Argument(help: ArgumentHelp("The exception's id ('exception list' shows it).", valueName: "id"))
    var id: Int64

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--reason is required: it is recorded with the revocation")
        }
    }

    func run() throws {
        let person = try Requester.resolve(requestedBy, env: ProcessInfo.processInfo.environment, required: true)
        let opened = try ledger.open()
        let x = try opened.revokeException(id, reason: reason, by: person)
        ledger.keepAnswers(opened)
        print(
            ErrorText.display(
                "exception \(x.id) for \(x.machineId) (\(x.state)) revoked at \(x.revokedAt ?? "-") by \(person): "
                    + reason))
    }
}
