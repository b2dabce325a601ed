/// `$orderby` on the properties MDE documents as filterable (the only ones it indexes): a stable sort, with
/// nulls first in ascending order as OData specifies. Collections (`machineTags`) cannot be ordered by.
struct ListOrdering<Record> {
    private let comparators: [(Record, Record) -> Int]

    init(_ keys: [ListQuery.OrderKey], schema: FilterSchema<Record>) throws(ODataError) {
        var comparators: [(Record, Record) -> Int] = []
        for key in keys {
            guard let match = schema.fields.first(where: { $0.name.lowercased() == key.name.lowercased() }) else {
                let names = schema.fields.map(\.name).filter { $0 != "machineTags" }.joined(separator: ", ")
                throw ODataError(
                    message: "Could not find a property named '\(key.name)' on type '\(schema.entity)' to order by; "
                        + "use one of: \(names)")
            }
            let compare: (Record, Record) -> Int
            switch match.field {
            case .string(let get): compare = { Self.order(get($0), get($1)) }
            case .time(let get): compare = { Self.order(get($0), get($1)) }
            case .int(let get): compare = { Self.order(get($0), get($1)) }
            case .strings:
                throw ODataError(message: "The $orderby property '\(match.name)' is a collection; it cannot be sorted.")
            }
            comparators.append(key.descending ? { -compare($0, $1) } : compare)
        }
        self.comparators = comparators
    }

    /// The records in order; records that compare equal keep their order.
    func sorted(_ records: [Record]) -> [Record] {
        records.enumerated().sorted { a, b in
            for compare in comparators {
                let c = compare(a.element, b.element)
                if c != 0 { return c < 0 }
            }
            return a.offset < b.offset
        }.map(\.element)
    }

    private static func order<T: Comparable>(_ a: T?, _ b: T?) -> Int {
        switch (a, b) {
        case (nil, nil): 0
        case (nil, _): -1
        case (_, nil): 1
        case (let a?, let b?): a < b ? -1 : (b < a ? 1 : 0)
        }
    }
}
