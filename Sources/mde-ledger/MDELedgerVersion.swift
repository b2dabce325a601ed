/// The version `mde-ledger --version` prints and every report names. Raised with each release (`make dist`
/// names its tarball after it); a build from a clone between releases says so with its `-dev` suffix.
enum MDELedgerVersion {
    static let number = "0.9.0-dev"
    /// What reports name after "mde-ledger".
    static var text: String { number }
}
