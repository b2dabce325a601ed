import Foundation

/// A report that cannot be found, read or run. `isUsage` marks a bad report name (exit 64 at the CLI).
public struct ReportError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// True when the user named a report that does not exist.
    public var isUsage: Bool

    public init(_ description: String, isUsage: Bool = false) {
        self.description = description
        self.isUsage = isUsage
    }
}
