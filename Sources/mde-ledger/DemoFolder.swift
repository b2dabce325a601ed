import Foundation

/// The demo's output folder: new, empty, or one an earlier demo wrote (marked by a file), never anything else.
struct DemoFolder {
    static let marker = ".mde-ledger-demo"

    let url: URL
    /// The folder as the user named it, for what the demo prints.
    let shown: String

    var ledger: String { url.appendingPathComponent("mde-ledger.sqlite").path }
    var reports: URL { url.appendingPathComponent("reports") }

    func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Creates the folder, or clears what an earlier demo wrote into it.
    /// - Throws: `CLIFailure` when the folder holds files and is not an earlier demo folder.
    static func prepare(_ path: String) throws -> DemoFolder {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let files = FileManager.default
        var isFolder: ObjCBool = false
        if files.fileExists(atPath: url.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw CLIFailure(message: "\(path) is a file; pass --out with a new or empty folder")
            }
            let contents = try files.contentsOfDirectory(atPath: url.path)
            if !contents.isEmpty && !contents.contains(marker) {
                throw CLIFailure(
                    message:
                        "\(path) is not empty and not an earlier demo folder; pass --out with a new or empty folder")
            }
            // Only what a demo writes is removed: anything else a user put there stays.
            for name in contents where Self.isDemoFile(name) {
                try files.removeItem(at: url.appendingPathComponent(name))
            }
        }
        try files.createDirectory(at: url.appendingPathComponent("reports"), withIntermediateDirectories: true)
        try Data("written by mde-ledger demo; a later demo may replace this folder's demo files\n".utf8)
            .write(to: url.appendingPathComponent(marker))
        return DemoFolder(url: url, shown: path.hasSuffix("/") ? String(path.dropLast()) : path)
    }

    private static func isDemoFile(_ name: String) -> Bool {
        name == "reports" || name.hasPrefix("mde-ledger.sqlite")
            || (name.hasPrefix("retired-") && name.hasSuffix(".csv"))
    }
}
