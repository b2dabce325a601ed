import Foundation

/// A report's answer with everything its output states: the time, tenants, thresholds and the ledger head.
public struct ReportResult: Sendable {
    /// The thresholds in force for one tenant at T, as the lifecycle views return them, then its licence settings.
    public struct TenantSettings: Sendable {
        public var tenant: String
        /// Setting key and value in a fixed order (`offboard_grace_hours` … `removal_days`, then licences);
        /// NULL for a licence entitlement that is not set.
        public var values: [(key: String, value: ReportValue)]

        /// The lifecycle thresholds among `values`, as a policy (defaults for any not stated).
        var policy: LifecyclePolicy {
            var policy = LifecyclePolicy()
            for (key, value) in values where LifecyclePolicy.thresholdKeys.contains(key) {
                if case .integer(let number) = value { try? policy.set(key, to: String(number)) }
            }
            return policy
        }
    }

    /// The chain head and schema the report was computed from; `verify --head` proves it later.
    public struct LedgerState: Sendable, Hashable {
        public var schemaVersion: Int
        /// The latest event's `seq` and `hash`; nil for a ledger without events.
        public var headSeq: Int64?
        public var headHash: String?
    }

    public var report: ReportDefinition
    /// T, canonical UTC text.
    public var asOf: String
    /// For `-- as-of: month-ends N`: the month ends the query ran at, oldest first.
    public var asOfTimes: [String]
    public var tenants: [String]
    public var settings: [TenantSettings]
    public var ledger: LedgerState
    public var toolVersion: String
    /// When the report was produced (local clock): the one line that differs when it is produced again.
    public var generatedAt: String
    public var columns: [String]
    public var rows: [[ReportValue]]
    /// Facts recorded after the first head at which `asOf` had passed that change these rows (every format
    /// states them, or that there are none).
    public var corrections = ReportCorrections(base: nil, items: [])
    /// Set when the time is after a tenant's last run (`--allow-partial`): the sentence every format states.
    public var partial: String?
    /// Per tenant: the last MDE run and Graph read behind the answer, their age, a warning when stale.
    public var freshness: [String] = []
    /// The zone whose months the month ends are in (`--tz`; nil: UTC), stated by every format.
    public var months: DisplayZone?
    /// The language and time zone of the human formats (Markdown, HTML) and CSV's headings.
    public var presentation = ReportPresentation.plain

    /// Rows whose `finding` column holds 1; nil when the report has no such column.
    public var findingCount: Int? {
        guard let index = columns.firstIndex(of: "finding") else { return nil }
        return rows.count { $0[index] == .integer(1) }
    }

    /// Rows that would be findings but for an exception in force (an `exception` column with a value, `finding`
    /// not 1): listed, not counted. Nil when the report has no such columns.
    public var exceptedCount: Int? {
        guard let finding = columns.firstIndex(of: "finding"), let exception = columns.firstIndex(of: "exception")
        else { return nil }
        return rows.count { $0[exception] != .null && $0[finding] != .integer(1) }
    }

    /// `2`, or `2 (1 excepted, not counted)`: the findings figure every human format states.
    func findingsText(in presentation: ReportPresentation) -> String? {
        guard let findingCount else { return nil }
        guard let excepted = exceptedCount, excepted > 0 else {
            return presentation.text("label.findings_count", ["count": "\(findingCount)"])
        }
        return presentation.text("label.findings_excepted", ["count": "\(findingCount)", "excepted": "\(excepted)"])
    }

    /// What `asOfTimes` are: the month ends a trend ran at, or the earlier time a comparison is made with.
    var asOfTimesLabel: String {
        presentation.text(report.asOfMode == .withPreviousMonthEnd ? "label.compared_with" : "label.month_ends")
    }

    /// `months in: Asia/Tokyo` when the month ends are a zone's, not UTC's.
    var monthsLine: String? {
        months.map { "\(presentation.text("label.months_in")): \($0.identifier)" }
    }

    /// True when the report lists a finding (`--fail-on-findings` exits 2).
    public var hasFindings: Bool { (findingCount ?? 0) > 0 }

    /// Lines that describe the scope, shared by every format: as of, tenants, settings.
    var settingsLines: [String] {
        settings.map { tenant in
            "tenant \(tenant.tenant): "
                + tenant.values.map { "\($0.key) \($0.value == .null ? "not set" : $0.value.text)" }.joined(
                    separator: ", ")
        }
    }

    /// The generation line (local time, tool, ledger head): the only text that changes when the same report is
    /// produced again from the same history.
    public var generationLine: String {
        let p = presentation
        let head =
            ledger.headSeq.map { p.text("label.head", ["seq": "\($0)", "hash": ledger.headHash ?? ""]) }
            ?? p.text("label.no_events")
        return p.text(
            "label.generated",
            [
                "time": p.time(generatedAt), "version": toolVersion, "schema": "\(ledger.schemaVersion)", "head": head,
            ])
    }
}
