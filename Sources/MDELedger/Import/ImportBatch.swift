import Foundation
import MDEAPI

/// Every file of one import, read, checked and staged in a scratch file before anything touches the ledger.
public struct ImportBatch: Sendable {
    /// One file of the batch.
    public struct File: Sendable, Hashable {
        public var path: String
        /// `json` or `csv`, detected from the content.
        public var format: String
        public var sha256: String
        public var items: Int
    }

    public let kind: ImportKind
    public let files: [File]
    /// Distinct machines and actions read (an identical repeat counts once).
    let machineCount: Int
    let actionCount: Int
    /// The items, one row per id, ready for the commit to copy.
    let staging: BatchStaging
    /// The latest time any item mentions (lastSeen, an action's last update) and where: a snapshot cannot
    /// have been captured before it.
    let latestDataTime: (time: String, location: String)?

    /// Reads, decodes and stages every file, one file at a time.
    /// - Throws: `ImportError` naming the file, the line or item, and the fix, at the first problem.
    public static func load(kind: ImportKind, paths: [String], limits: InputLimits = .default) throws -> ImportBatch {
        precondition(!paths.isEmpty, "an import needs at least one file")
        let staging = try BatchStaging()
        var files: [File] = []
        var staged = 0
        var latest: (time: String, location: String)?
        func note(_ times: [String?], _ item: ImportItem) throws {
            for case let time? in times {
                guard PortalDate.isPlausibleDeviceTime(time) else {
                    throw ImportError(
                        "\(item.location): the time \(time) is outside the years \(PortalDate.deviceYears.lowerBound)–"
                            + "\(PortalDate.deviceYears.upperBound); fix the value or export the file again")
                }
                if time > (latest?.time ?? "") { latest = (time, item.location) }
            }
        }
        for path in paths {
            // Only this file's text and objects are in memory; they are released before the next file is read.
            let file = try ImportFile.read(path, limits: limits)
            let items = try items(of: file, kind: kind)
            staged += try staging.write { writer in
                var count = 0
                for item in items {
                    if try stage(item, kind: kind, into: writer, note: note) { count += 1 }
                }
                return count
            }
            files.append(File(path: path, format: file.format.rawValue, sha256: file.sha256, items: items.count))
        }
        return ImportBatch(
            kind: kind, files: files, machineCount: kind == .machines ? staged : 0,
            actionCount: kind == .actions ? staged : 0, staging: staging, latestDataTime: latest)
    }

    /// Decodes one item and stages it; `false` for an identical repeat of an id already staged.
    private static func stage(
        _ item: ImportItem, kind: ImportKind, into writer: BatchStaging.Writer,
        note: ([String?], ImportItem) throws -> Void
    ) throws -> Bool {
        do {
            let canonical = item.json.canonicalText()
            switch kind {
            case .machines:
                let machine = try Machine(json: item.json)
                guard try writer.isNew(machine.id, item, kind: kind, canonical: canonical) else { return false }
                try note([machine.lastSeen, machine.firstSeen], item)
                try writer.stage(machine, raw: canonical)
            case .actions:
                let action = try MachineAction(json: item.json)
                guard try writer.isNew(action.id, item, kind: kind, canonical: canonical) else { return false }
                try note(
                    [action.creationDateTimeUtc, action.lastUpdateDateTimeUtc, action.cancellationDateTimeUtc], item)
                try writer.stage(action, raw: canonical)
            }
            return true
        } catch let error as MDEDecodingError {
            let fix =
                error.problem == "missing 'id'"
                ? "every \(kind.singular) needs its 'id'; check that this is a \(kind.rawValue) file"
                : "fix the value or export the file again"
            throw ImportError("\(item.location): \(ErrorText.escaped(error.description)); \(fix)")
        }
    }

    private static func items(of file: ImportFile, kind: ImportKind) throws -> [ImportItem] {
        switch (file.format, kind) {
        case (.json, _): return try JSONPayload.items(file, kind: kind)
        case (.csv, .machines): return try MachineCSV.items(file)
        case (.csv, .actions):
            throw ImportError(
                "\(file.path): is not JSON; 'import actions' reads API responses of GET /api/machineactions "
                    + "(the portal has no machine actions CSV export to read)")
        }
    }

    /// `sync_runs.source` of the run: each file with its SHA-256, so the run can be tied to the exact bytes.
    var source: String {
        "import \(kind.rawValue): " + files.map { "\($0.path) (sha256 \($0.sha256))" }.joined(separator: ", ")
    }

    /// Machines or actions read.
    public var itemCount: Int { machineCount + actionCount }
}
