/// What an import reads: machines (`GET /api/machines`, the portal's device inventory CSV) or machine actions.
public enum ImportKind: String, Sendable, Hashable, CaseIterable {
    case machines
    case actions

    /// "machine" / "machine action", for messages.
    var singular: String { self == .machines ? "machine" : "machine action" }

    /// The other kind's import command, for messages that say a file belongs there.
    var otherCommand: String { self == .machines ? "mde-ledger import actions" : "mde-ledger import machines" }
}
