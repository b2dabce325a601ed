import ArgumentParser
import Foundation
import MDELedger

extension ReportFormat: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Monthly compliance reports from the ledger's history: CSV, Markdown, JSON or HTML.",
        discussion: """
            Each report is one SQL query over the lifecycle views (reports/README.md), answered as of a time: \
            the latest committed sync or import by default, --as-of a date or time, or --month YYYY-MM (the last \
            second of that month, UTC, or in --tz's zone). Every format states the as-of time, the thresholds in force, the tool \
            version and the ledger's chain head (event seq and hash). Producing a report again as of the same \
            time gives the same bytes apart from the generation line. A time after a tenant's last run is refused \
            (exit 64): the ledger has not seen those days; --allow-partial answers anyway, marked partial. \
            --reports DIR adds your own NAME.sql \
            files; one with a built-in report's name replaces it. Exits 2 with --fail-on-findings when the \
            report lists a finding.

            --lang ja writes Markdown and HTML in Japanese (titles, headings, state names, legend, next steps; the \
            catalogue is catalogue/ja.json), --tz Asia/Tokyo shows their times in that zone with the offset. JSON \
            keys, CSV headers and values stay stable English identifiers and UTC (--headers localized for a CSV \
            given to a person).
            """
    )

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var scope: TenantScope
    @OptionGroup var presentation: PresentationOptions

    @Argument(help: ArgumentHelp("The report, e.g. license-compliance (see --list).", valueName: "name"))
    var name: String?

    @Flag(help: "List the reports with their title, description and parameters.")
    var list = false

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Answer as of this date or time.", valueName: "date"))
    var asOf: String?

    @Option(
        name: .customLong("known-at"),
        help: ArgumentHelp(
            "Answer with only what was recorded at this head (SEQ:HASH as a report prints it, SEQ, or a time): the "
                + "same --as-of with the head printed on an issued report reproduces it byte for byte.",
            valueName: "head"))
    var knownAt: String?

    @Option(help: ArgumentHelp("Answer as of the end of this month (UTC).", valueName: "YYYY-MM"))
    var month: String?

    @Option(help: ArgumentHelp("csv, md, json or html.", valueName: "format"))
    var format: ReportFormat = .md

    @Option(help: ArgumentHelp("Write to this file (atomically, mode 0600) instead of stdout.", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("A folder of your own NAME.sql reports.", valueName: "dir"))
    var reports: String?

    @Flag(help: "Start CSV with a byte-order mark so Excel reads UTF-8.")
    var excel = false

    @Option(
        help: ArgumentHelp(
            "CSV header row: names (stable column names, the default) or localized (headings in --lang, for a "
                + "file given to a person).", valueName: "style"))
    var headers = "names"

    @Flag(
        name: .customLong("allow-partial"),
        help: ArgumentHelp(
            "Answer an --as-of or --month time after a tenant's last run with what is known, marked partial in every "
                + "format, naming the last run; without it such a time is refused (exit 64)."))
    var allowPartial = false

    @Flag(name: .customLong("fail-on-findings"), help: "Exit 2 when the report lists a finding.")
    var failOnFindings = false

    @Flag(
        name: .customLong("fail-on-new-findings"),
        help: ArgumentHelp(
            "Exit 2 only for findings the same report did not list about the previous month's end (with --month) or "
                + "the previous run (otherwise), as known when that time had passed; standing findings do not "
                + "fire every day. The new ones are named on stderr."))
    var failOnNewFindings = false

    func validate() throws {
        if asOf != nil && month != nil { throw ValidationError("pass --as-of or --month, not both") }
        if failOnFindings && failOnNewFindings {
            throw ValidationError("pass --fail-on-findings or --fail-on-new-findings, not both")
        }
        guard ["names", "localized"].contains(headers) else {
            throw ValidationError("--headers takes names or localized, not '\(headers)'")
        }
        if let month, ReportTime.monthEnd(month) == nil {
            throw ValidationError("--month '\(month)' is not a month; use YYYY-MM, e.g. 2026-11")
        }
        _ = try parseAsOf(asOf)
        if !list && name == nil { throw ValidationError("name a report, or pass --list to see them") }
    }

    func run() throws {
        let catalogue = try catalogue()
        if list {
            print(Self.listing(catalogue), terminator: "")
            return
        }
        let report: ReportDefinition
        do { report = try catalogue.report(named: name!) } catch let error as ReportError {
            throw CLIFailure(message: error.description, code: 64)
        }
        if report.replacesBuiltIn { printError("note: \(report.path) replaces the built-in report \(report.name)") }
        let opened = try ledger.openForQuestions()
        let zone = presentation.zone
        let time = try month.flatMap { ReportTime.monthEnd($0, zone: zone) } ?? parseAsOf(asOf)
        var result: ReportResult
        do {
            result = try opened.runReport(
                report, tenant: try scope.resolve(opened), asOf: time, toolVersion: Self.toolVersion,
                knownAt: try knownAt.map(opened.knownAt), allowPartial: allowPartial, months: zone)
        } catch let error as ReportError where error.isUsage {
            throw CLIFailure(message: error.description, code: 64)
        }
        result.presentation = presentation.presentation(localizedHeaders: headers == "localized")
        let text = try result.render(format, excel: excel)
        if let out {
            try ReportFileWriter.write(text, to: out)
            print("wrote \(out) (\(report.name), \(format.rawValue), as of \(result.asOf), \(result.rows.count) rows)")
        } else {
            print(text, terminator: "")
        }
        if failOnFindings && result.hasFindings { throw ExitCode(2) }
        if failOnNewFindings { try failOnNew(result, report, opened, tenant: try scope.resolve(opened)) }
    }

    /// Exits 2 when `result` lists findings the previous report did not, naming them on stderr.
    private func failOnNew(_ result: ReportResult, _ report: ReportDefinition, _ opened: Ledger, tenant: TenantRecord?)
        throws
    {
        let previous =
            try month != nil
            ? ReportTime.monthEnds(upTo: result.asOf, count: 2, zone: result.months).dropLast().last
            : opened.previousSnapshotTime(before: result.asOf, tenant: tenant)
        let before = try opened.previousReport(
            report, tenant: tenant, previous: previous, toolVersion: Self.toolVersion)
        try NewFindingsExit.exitIfAny(
            result.findingKeys.subtracting(before?.findingKeys ?? []), since: previous)
    }

    private func catalogue() throws -> ReportCatalogue {
        do { return try ReportCatalogue(userDirectory: reports) } catch let error as ReportError {
            throw CLIFailure(message: error.description)
        }
    }

    /// The version `--version` prints.
    static var toolVersion: String { MDELedgerVersion.text }
}
