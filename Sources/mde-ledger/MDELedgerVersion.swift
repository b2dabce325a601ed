/// The version `mde-ledger --version` prints and every report names. Raised with each release (`make dist`
/// names its tarball after it); a build from a clone between releases says so with its `-dev` suffix.
enum MDELedgerVersion {
    static let number = "0.9.0-dev"
    /// What reports name after "mde-ledger": `0.9.0-dev+338ad6e4f1a2` for a build that recorded its commit
    /// (`make dist`), else exactly the number, so reports of development builds stay comparable.
    static var text: String { BuildCommit.hash.map { "\(number)+\($0)" } ?? number }
    /// What `mde-ledger --version` prints: the number and the commit, or why there is none.
    static var line: String {
        let commit =
            BuildCommit.hash.map { "commit \($0)" }
            ?? "commit not recorded: a development build; make dist records it"
        return "mde-ledger \(number) (\(commit))"
    }
}
