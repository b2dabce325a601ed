import Foundation

/// The reports a run can choose from: the built-in ones, then the user's `NAME.sql` files, which replace a
/// built-in report of the same name.
///
/// ```swift
/// let catalogue = try ReportCatalogue(userDirectory: "my-reports")
/// let report = try catalogue.report(named: "license-compliance")
/// ```
public struct ReportCatalogue: Sendable {
    /// Every report, by name.
    public let reports: [ReportDefinition]

    /// - Throws: `ReportError` for an unreadable folder or a file whose header is malformed.
    public init(userDirectory: String? = nil) throws {
        var byName: [String: ReportDefinition] = [:]
        for (name, sql) in EmbeddedSQL.reports {
            byName[name] = try ReportDefinition.parse(name: name, sql: sql, source: .builtIn)
        }
        if let userDirectory {
            let folder = URL(fileURLWithPath: userDirectory)
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: userDirectory)
            } catch {
                throw ReportError("cannot read the reports folder \(userDirectory); check --reports")
            }
            for file in names.sorted() where file.hasSuffix(".sql") {
                let url = folder.appendingPathComponent(file)
                let name = String(file.dropLast(4))
                guard let sql = try? String(contentsOf: url, encoding: .utf8) else {
                    throw ReportError("cannot read \(url.path) as UTF-8 text")
                }
                var report = try ReportDefinition.parse(name: name, sql: sql, source: .file(path: url.path))
                report.replacesBuiltIn = byName[name]?.source == .builtIn
                byName[name] = report
            }
        }
        reports = byName.values.sorted { $0.name < $1.name }
    }

    /// The report called `name`.
    /// - Throws: `ReportError` (usage) listing the available reports.
    public func report(named name: String) throws -> ReportDefinition {
        guard let report = reports.first(where: { $0.name == name }) else {
            throw ReportError(
                "unknown report '\(name)'; available: \(reports.map(\.name).joined(separator: ", "))", isUsage: true)
        }
        return report
    }
}
