/// The OData options of a list request: `$top` (at most 10,000), `$skip`, `$filter`, `$select`, `$orderby` and
/// `$count` (see `ListQuery+Shape.swift`).
struct ListQuery {
    static let maxPageSize = 10_000

    var top: Int?
    var skip = 0
    var filter: ODataFilter?
    var select: [String]?
    var orderBy: [OrderKey] = []
    var count = false

    /// Number of items this request returns at most; without `$top` the service pages by 10,000.
    var pageSize: Int { top ?? Self.maxPageSize }

    static func parse(_ items: [(name: String, value: String)]) throws(ODataError) -> ListQuery {
        var query = ListQuery()
        for (name, value) in items {
            switch name.lowercased() {
            case "$top":
                guard let top = Int(value), top >= 0 else {
                    throw ODataError(message: "invalid value '\(value)' for $top; use a whole number from 0 to 10000")
                }
                guard top <= maxPageSize else {
                    throw ODataError(
                        message: "The limit of '\(maxPageSize)' for Top query has been exceeded. "
                            + "The value from the incoming request is '\(top)'.")
                }
                query.top = top
            case "$skip":
                guard let skip = Int(value), skip >= 0 else {
                    throw ODataError(message: "invalid value '\(value)' for $skip; use a whole number of 0 or more")
                }
                query.skip = skip
            case "$filter":
                query.filter = try ODataFilter.parse(value)
            case "$select":
                query.select = try parseSelect(value)
            case "$orderby":
                query.orderBy = try parseOrderBy(value)
            case "$count":
                query.count = try parseCount(value)
            default:
                if name.hasPrefix("$") {
                    throw ODataError(
                        message: "query option '\(name)' is not supported by the simulator; use $filter, $top, $skip, "
                            + "$select, $orderby, $count")
                }
            }
        }
        return query
    }
}
