import Foundation

/// One report: its header (title, description, parameters, chart, as-of mode) and its query.
///
/// ```sql
/// -- title: Devices still sending telemetry
/// -- description: Retired or offboarded devices whose lastSeen advanced after the request.
/// -- params: as_of, tenant
/// -- chart: x=state
/// SELECT tenant_name, machine_id, state, finding FROM device_states WHERE …;
/// ```
public struct ReportDefinition: Sendable, Hashable {
    /// Where a report comes from.
    public enum Source: Sendable, Hashable {
        /// Bundled into the binary from `reports/NAME.sql`.
        case builtIn
        /// A user's file from `--reports DIR`.
        case file(path: String)
    }

    /// The times the query runs at.
    public enum AsOfMode: Sendable, Hashable {
        /// Once, at T.
        case single
        /// Once per month end at or before T, the latest `count` of them (`-- as-of: month-ends 12`).
        case monthEnds(count: Int)
        /// Once, with the views answering at T and at the month end before it, bound as `:previous`
        /// (`-- as-of: with-previous-month-end`): what changed since the last period.
        case withPreviousMonthEnd
    }

    /// The bar chart the HTML format draws (`-- chart: section=by-state x=item series=state value=devices`).
    public struct Chart: Sendable, Hashable {
        /// Only rows whose `section` column has this value; nil means every row.
        public var section: String?
        /// The column that names a bar.
        public var x: String
        /// The column that splits a bar into stacked parts, if any.
        public var series: String?
        /// The column summed for a bar's height; nil counts rows.
        public var value: String?

        public init(section: String? = nil, x: String, series: String? = nil, value: String? = nil) {
            (self.section, self.x, self.series, self.value) = (section, x, series, value)
        }
    }

    public var name: String
    public var title: String
    public var description: String
    public var params: [String]
    public var chart: Chart?
    public var asOfMode: AsOfMode
    public var sql: String
    public var source: Source
    /// `-- title.ja:` and `-- description.ja:` lines: the title and description in another language, by code.
    public var titles: [String: String] = [:]
    public var descriptions: [String: String] = [:]
    /// A user file that has the name of a built-in report and replaces it.
    public var replacesBuiltIn = false
    /// `-- default-as-of: now`: without `--as-of` the report answers as of now rather than the latest run (a
    /// report about runs must show the failures after the last committed one).
    public var defaultsToNow = false
    /// `-- summary: SECTION, …`: sections the human formats (Markdown, HTML) show as counts, not row by row (an
    /// appendix of every device); CSV and JSON keep every row.
    public var summarised: [String] = []

    /// The file path for messages: the user's path, or `reports/NAME.sql` for a built-in.
    public var path: String {
        switch source {
        case .builtIn: "reports/\(name).sql"
        case .file(let path): path
        }
    }
}
