/// How a filterable property of `Record` is read, and so how a literal compares with it.
enum FilterField<Record>: Sendable {
    case string(@Sendable (Record) -> String?)
    case time(@Sendable (Record) -> SimTime?)
    case int(@Sendable (Record) -> Int?)
    case strings(@Sendable (Record) -> [String])
}

/// The filterable properties of one entity set (mde-api.md §4), matched case-insensitively as MDE does.
struct FilterSchema<Record>: Sendable {
    var entity: String
    var fields: [(name: String, field: FilterField<Record>)]

    func field(_ name: String) throws(ODataError) -> FilterField<Record> {
        if let match = fields.first(where: { $0.name.lowercased() == name.lowercased() }) { return match.field }
        let names = fields.map(\.name).joined(separator: ", ")
        throw ODataError(
            message: "could not find a filterable property named '\(name)' on \(entity); use one of: \(names)")
    }

    /// Turns a filter into a predicate, or explains which part cannot be evaluated.
    func compile(_ filter: ODataFilter) throws(ODataError) -> (Record) -> Bool {
        switch filter {
        case .and(let a, let b):
            let (l, r) = (try compile(a), try compile(b))
            return { l($0) && r($0) }
        case .or(let a, let b):
            let (l, r) = (try compile(a), try compile(b))
            return { l($0) || r($0) }
        case .not(let a):
            let inner = try compile(a)
            return { !inner($0) }
        case .startsWith(let name, let prefix):
            guard case .string(let get) = try field(name) else {
                throw ODataError(message: "startswith needs a text property; '\(name)' is not text")
            }
            let p = prefix.lowercased()
            return { get($0)?.lowercased().hasPrefix(p) ?? false }
        case .any(let name, let variable, let body):
            guard case .strings(let get) = try field(name) else {
                throw ODataError(message: "any() needs a collection property; '\(name)' is not a collection")
            }
            let element = FilterSchema<String>(entity: "\(name) items", fields: [(variable, .string { $0 })])
            let test = try element.compile(body)
            return { get($0).contains(where: test) }
        case .compare(let name, let op, let literal):
            return try compare(name, try field(name), op, literal)
        }
    }

    private func compare(
        _ name: String, _ field: FilterField<Record>, _ op: ODataFilter.Op, _ literal: ODataFilter.Literal
    ) throws(ODataError) -> (Record) -> Bool {
        func mismatch() -> ODataError {
            ODataError(message: "cannot compare '\(name)' with \(literal.description); \(hint(field))")
        }
        switch (field, literal) {
        case (_, .null) where op == .eq || op == .ne:
            let isNull: (Record) -> Bool
            switch field {
            case .string(let get): isNull = { get($0) == nil }
            case .time(let get): isNull = { get($0) == nil }
            case .int(let get): isNull = { get($0) == nil }
            case .strings: throw mismatch()
            }
            return op == .eq ? isNull : { !isNull($0) }
        case (.string(let get), .string(let s)):
            let value = s.lowercased()
            return { get($0).map { op.apply($0.lowercased(), value) } ?? (op == .ne) }
        case (.string(let get), .int(let i)):
            let value = String(i)
            return { get($0).map { op.apply($0.lowercased(), value) } ?? (op == .ne) }
        case (.time(let get), .date(let t)):
            return { get($0).map { op.apply($0, t) } ?? (op == .ne) }
        case (.time(let get), .string(let s)):
            guard let t = SimTime.parse(s) else { throw mismatch() }
            return { get($0).map { op.apply($0, t) } ?? (op == .ne) }
        case (.int(let get), .int(let i)):
            return { get($0).map { op.apply($0, i) } ?? (op == .ne) }
        case (.int(let get), .string(let s)):
            guard let i = Int(s) else { throw mismatch() }
            return { get($0).map { op.apply($0, i) } ?? (op == .ne) }
        default:
            throw mismatch()
        }
    }

    private func hint(_ field: FilterField<Record>) -> String {
        switch field {
        case .string: "quote text values: 'x'"
        case .time: "write dates unquoted, like 2026-11-01Z or 2026-11-01T00:00:00Z"
        case .int: "use a number"
        case .strings: "use a lambda such as machineTags/any(tag: tag eq 'x')"
        }
    }
}

extension ODataFilter.Op {
    func apply<T: Comparable>(_ a: T, _ b: T) -> Bool {
        switch self {
        case .eq: a == b
        case .ne: a != b
        case .gt: a > b
        case .ge: a >= b
        case .lt: a < b
        case .le: a <= b
        }
    }
}

extension ODataFilter.Literal: CustomStringConvertible {
    var description: String {
        switch self {
        case .string(let s): "'\(s)'"
        case .int(let i): String(i)
        case .date(let t): t.isoSeconds
        case .bool(let b): String(b)
        case .null: "null"
        }
    }
}
