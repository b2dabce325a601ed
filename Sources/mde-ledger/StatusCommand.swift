import ArgumentParser
import Foundation
import MDELedger

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Is this device still sending telemetry? One verdict, with the evidence behind it.",
        discussion: """
            DEVICE is an MDE device id, an Entra aadDeviceId, or an exact DNS or host name. A name that matches \
            several devices (re-imaged or renamed devices keep their old entry) is refused with the candidates \
            listed. Exits 2 when the verdict is a finding (still reporting after offboarding or retirement, \
            retired but not offboarded, offboarding failed or stuck, removed early), 0 otherwise.
            """
    )

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var scope: TenantScope
    @OptionGroup var presentation: PresentationOptions

    @Argument(help: ArgumentHelp("Device id, aadDeviceId or exact name.", valueName: "device"))
    var device: String

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Answer as of this date or time.", valueName: "date"))
    var asOf: String?

    @Option(
        name: .customLong("known-at"),
        help: ArgumentHelp(
            "Answer with only what was recorded at or before this head (SEQ:HASH, SEQ or a time).", valueName: "head"))
    var knownAt: String?

    @Flag(help: "Print the verdict and evidence as JSON.")
    var json = false

    func validate() throws { _ = try parseAsOf(asOf) }

    func run() throws {
        let opened = try ledger.openForQuestions()
        let status = try opened.deviceStatus(
            device, tenant: try scope.resolve(opened), asOf: try parseAsOf(asOf),
            knownAt: try knownAt.map(opened.knownAt))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print(status.text(presentation: presentation.presentation()), terminator: "")
        }
        if status.device.finding { throw ExitCode(2) }
    }
}
