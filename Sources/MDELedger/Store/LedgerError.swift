import Foundation

/// Errors about the ledger file itself: opening, schema and migrations.
public struct LedgerError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A migration that cannot be applied, or an applied migration this binary disagrees with.
public struct MigrationError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
