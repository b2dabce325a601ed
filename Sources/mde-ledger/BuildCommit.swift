/// The commit a release build was made from. Always `nil` in the repository: `scripts/dist` (`make dist`,
/// `make install`) builds an export of the committed tree (`git archive HEAD`) and rewrites this file in that copy
/// only, with `git rev-parse --short=12 HEAD`. A `swift build` of a working tree, which may hold uncommitted
/// changes, therefore never claims a commit.
enum BuildCommit {
    static let hash: String? = nil
}
