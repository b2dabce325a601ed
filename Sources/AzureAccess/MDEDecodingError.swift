/// A response or fixture that is not the JSON the MDE API promises; says what is wrong and where.
///
/// Example: `page 3 of /api/machines: value[17]: missing 'id'`.
public struct MDEDecodingError: Error, CustomStringConvertible, Sendable {
    /// Where the problem is, outermost first (`["page 3 of /api/machines", "value[17]"]`).
    public var location: [String]
    /// What is wrong (`missing 'id'`).
    public var problem: String
    /// `true` when the bytes are not JSON at all (truncated or garbled), which a retry may fix.
    public var isSyntaxError: Bool

    public init(_ problem: String, location: [String] = [], isSyntaxError: Bool = false) {
        self.problem = problem
        self.location = location
        self.isSyntaxError = isSyntaxError
    }

    /// The same error, placed inside `place` (prepended to the location).
    public func at(_ place: String) -> MDEDecodingError {
        var copy = self
        copy.location.insert(place, at: 0)
        return copy
    }

    public var description: String { (location + [problem]).joined(separator: ": ") }
}
