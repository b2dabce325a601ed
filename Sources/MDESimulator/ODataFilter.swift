/// A parsed OData `$filter` expression over the subset MDE documents: `eq ne gt ge lt le`, `and`, `or`,
/// `not`, parentheses, `startswith(prop,'x')` and `collection/any(v: v eq 'x')`.
indirect enum ODataFilter: Equatable, Sendable {
    enum Op: String, Sendable { case eq, ne, gt, ge, lt, le }

    enum Literal: Equatable, Sendable {
        case string(String)
        case int(Int)
        case date(SimTime)
        case bool(Bool)
        case null
    }

    case and(ODataFilter, ODataFilter)
    case or(ODataFilter, ODataFilter)
    case not(ODataFilter)
    case compare(String, Op, Literal)
    case startsWith(String, String)
    /// `property/any(variable: body)`; inside `body` the variable is the property name `variable`.
    case any(String, variable: String, body: ODataFilter)
}

/// A `$filter` (or other query option) the simulator refuses, with a message for the 400 body.
struct ODataError: Error, Equatable {
    var message: String
}
