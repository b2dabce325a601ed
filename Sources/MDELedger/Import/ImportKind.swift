/// What an import reads: machines (`GET /api/machines`, the portal's device inventory CSV) or machine actions.
public enum ImportKind: String, Sendable, Hashable, CaseIterable {
    case machines
    case actions

    /// "machine" / "machine action", for messages.
    public var singular: String { self == .machines ? "machine" : "machine action" }

    /// `1 machine`, `3 machine actions`.
    public func count(_ n: Int) -> String { "\(n) \(singular)\(n == 1 ? "" : "s")" }

    /// The other kind's import command, for messages that say a file belongs there.
    var otherCommand: String { self == .machines ? "mde-ledger import actions" : "mde-ledger import machines" }
}
