import ArgumentParser

/// What `--fail-on-new-findings` does once the new findings are known, the same for `report` and `devices`: name
/// them on stderr (the first 20) and exit 2; nothing when there are none.
enum NewFindingsExit {
    static func exitIfAny(_ new: some Collection<String>, since previous: String?) throws {
        guard !new.isEmpty else { return }
        let names = new.sorted()
        printError(
            "new findings since \(previous ?? "the first run") (\(names.count)): "
                + names.prefix(20).joined(separator: ", ") + (names.count > 20 ? ", …" : ""))
        throw ExitCode(2)
    }
}
