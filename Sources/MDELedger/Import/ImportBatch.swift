import Foundation
import MDEAPI

/// Every file of one import, read and decoded, before anything touches the ledger.
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
    let machines: [Machine]
    let actions: [MachineAction]
    /// The latest time any item mentions (lastSeen, an action's last update) and where: a snapshot cannot
    /// have been captured before it.
    let latestDataTime: (time: String, location: String)?

    /// Reads and decodes every file.
    /// - Throws: `ImportError` naming the file, the line or item, and the fix, at the first problem.
    public static func load(kind: ImportKind, paths: [String], limits: InputLimits = .default) throws -> ImportBatch {
        precondition(!paths.isEmpty, "an import needs at least one file")
        var files: [File] = []
        var machines: [Machine] = []
        var actions: [MachineAction] = []
        var latest: (time: String, location: String)?
        var duplicates = DuplicateCheck()
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
            let file = try ImportFile.read(path, limits: limits)
            let items = try items(of: file, kind: kind)
            for item in items {
                do {
                    switch kind {
                    case .machines:
                        let machine = try Machine(json: item.json)
                        guard try duplicates.isNew(machine.id, item, kind: kind) else { continue }
                        try note([machine.lastSeen, machine.firstSeen], item)
                        machines.append(machine)
                    case .actions:
                        let action = try MachineAction(json: item.json)
                        guard try duplicates.isNew(action.id, item, kind: kind) else { continue }
                        try note(
                            [action.creationDateTimeUtc, action.lastUpdateDateTimeUtc, action.cancellationDateTimeUtc],
                            item)
                        actions.append(action)
                    }
                } catch let error as MDEDecodingError {
                    let fix =
                        error.problem == "missing 'id'"
                        ? "every \(kind.singular) needs its 'id'; check that this is a \(kind.rawValue) file"
                        : "fix the value or export the file again"
                    throw ImportError("\(item.location): \(ErrorText.escaped(error.description)); \(fix)")
                }
            }
            files.append(File(path: path, format: file.format.rawValue, sha256: file.sha256, items: items.count))
        }
        return ImportBatch(kind: kind, files: files, machines: machines, actions: actions, latestDataTime: latest)
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
    public var itemCount: Int { machines.count + actions.count }
}

/// Refuses an id that appears twice in one import with different content; identical copies are merged.
struct DuplicateCheck {
    private var seen: [String: (location: String, json: JSONValue)] = [:]

    /// `true` the first time `id` is seen, `false` for an identical copy.
    /// - Throws: `ImportError` naming both places when the copies differ.
    mutating func isNew(_ id: String, _ item: ImportItem, kind: ImportKind) throws -> Bool {
        guard let earlier = seen[id] else {
            seen[id] = (item.location, item.json)
            return true
        }
        if earlier.json == item.json { return false }
        throw ImportError(
            "\(item.location): \(kind.singular) \(ErrorText.quoted(id)) appears again with different values (first at "
                + "\(earlier.location)); keep one of the two and import again")
    }
}
