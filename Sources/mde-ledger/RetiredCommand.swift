import ArgumentParser
import Foundation
import MDEAPI
import MDELedger

/// `mde-ledger retired list|withdraw`: the retirements the ledger holds, and taking one back.
struct RetiredCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retired",
        abstract: "List the retirements the ledger holds, or withdraw one recorded by mistake.",
        discussion: """
            Retirements come from 'mde-ledger import retired LIST.csv'. A withdrawal is history like everything \
            else: the retirement stays recorded, the withdrawal is added with who, when and why, and \
            'offboard --retired' never selects a withdrawn retirement. Importing the device again retires it anew.
            """,
        subcommands: [RetiredListCommand.self, RetiredWithdrawCommand.self]
    )
}

struct RetiredListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Every retirement with its list, line, match method, and whether it was withdrawn.")

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
        let entries = try ledger.open(readOnly: true).retirements(tenant: tenant.map { TenantSelection(name: $0) })
        switch DeviceListFormat(rawValue: format)! {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(entries), as: UTF8.self))
        case .csv:
            print(try CSVOutput.render(header: Self.header, rows: entries.map(Self.cells)), terminator: "")
        case .table:
            if entries.isEmpty {
                print("no retirements; 'mde-ledger import retired LIST.csv' records them")
                return
            }
            let rows = entries.map { e in
                [
                    e.machineId, e.computerDnsName ?? "-", e.retiredAt, "\(e.matchedBy) \(e.deviceInput)", e.source,
                    e.withdrawn
                        ? "withdrawn \(e.withdrawnAt ?? "") by \(e.withdrawnBy ?? "-"): \(e.withdrawalReason ?? "")"
                        : "in force",
                ]
            }
            print(
                TextTable.render(header: ["ID", "NAME", "RETIRED", "MATCHED", "LIST", "STATUS"], rows: rows),
                terminator: "")
        }
    }

    static let header = [
        "tenant", "machine_id", "computer_dns_name", "retired_at", "note", "device_input", "matched_by", "source",
        "list_sha256", "imported_at", "withdrawn_at", "withdrawn_by", "withdrawal_reason",
    ]

    static func cells(_ e: RetirementEntry) -> [String] {
        [
            e.tenant, e.machineId, e.computerDnsName ?? "", e.retiredAt, e.note ?? "", e.deviceInput, e.matchedBy,
            e.source, e.listSHA256 ?? "", e.importedAt, e.withdrawnAt ?? "", e.withdrawnBy ?? "",
            e.withdrawalReason ?? "",
        ]
    }
}

struct RetiredWithdrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw",
        abstract: "Withdraw the retirement of devices retired by mistake (recorded with who, when and why).")

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("The tenant (needed when the ledger has several).", valueName: "name"))
    var tenant: String?

    @Option(help: ArgumentHelp("Why the retirement is withdrawn (required), e.g. a change number.", valueName: "text"))
    var reason: String

    @Option(
        name: .customLong("requested-by"),
        help: ArgumentHelp("The person withdrawing it (default: $USER).", valueName: "name"))
    var requestedBy: String?

    @Argument(help: ArgumentHelp("Device ids, Entra device ids or exact names.", valueName: "device"))
    var devices: [String]

    func validate() throws {
        guard !devices.isEmpty else { throw ValidationError("name at least one device") }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--reason is required: it is recorded with the withdrawal")
        }
    }

    func run() throws {
        let person = try Requester.resolve(requestedBy, env: ProcessInfo.processInfo.environment, required: true)
        let opened = try ledger.open()
        let summary = try opened.withdrawRetirements(
            devices, reason: reason, by: person, tenant: TenantSelection(name: tenant))
        ledger.keepAnswers(opened)
        print(
            "run \(summary.run) for tenant \(summary.tenant): withdrew the retirement of \(summary.withdrawn.count) "
                + "device\(summary.withdrawn.count == 1 ? "" : "s") (\(summary.withdrawn.joined(separator: ", "))), "
                + ErrorText.display("by \(person): \(reason)"))
    }
}
