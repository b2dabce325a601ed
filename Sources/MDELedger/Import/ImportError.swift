import Foundation

/// A file that cannot be imported, or an import the ledger refuses; names the file, the place and the fix.
///
/// Example: `machines.csv:7: 'Last device update' is not a date: 'yesterday'; use ISO-8601 (2026-05-09T10:00:00Z)`.
public struct ImportError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
