extension ODataFilter {
    /// Parses a `$filter` value (already percent-decoded, `+` already turned into spaces).
    static func parse(_ text: String) throws(ODataError) -> ODataFilter {
        var parser = FilterParser(tokens: try FilterLexer.tokens(text))
        let expression = try parser.expression()
        if let extra = parser.peek {
            throw ODataError(message: "syntax error in $filter at '\(extra.text)'; expected end of expression")
        }
        return expression
    }
}

private struct FilterParser {
    var tokens: [FilterToken]
    var position = 0

    var peek: FilterToken? { position < tokens.count ? tokens[position] : nil }

    mutating func next() throws(ODataError) -> FilterToken {
        guard let token = peek else { throw ODataError(message: "syntax error in $filter: unexpected end") }
        position += 1
        return token
    }

    mutating func expect(_ kind: FilterToken.Kind, _ what: String) throws(ODataError) {
        guard peek != nil else { throw ODataError(message: "syntax error in $filter: expected \(what) at the end") }
        let token = try next()
        guard token.kind == kind else {
            throw ODataError(message: "syntax error in $filter at '\(token.text)'; expected \(what)")
        }
    }

    mutating func keyword(_ word: String) -> Bool {
        guard let token = peek, token.kind == .word, token.text.lowercased() == word else { return false }
        position += 1
        return true
    }

    mutating func expression() throws(ODataError) -> ODataFilter {
        var left = try conjunction()
        while keyword("or") { left = .or(left, try conjunction()) }
        return left
    }

    mutating func conjunction() throws(ODataError) -> ODataFilter {
        var left = try unary()
        while keyword("and") { left = .and(left, try unary()) }
        return left
    }

    mutating func unary() throws(ODataError) -> ODataFilter {
        if keyword("not") { return .not(try unary()) }
        return try primary()
    }

    mutating func primary() throws(ODataError) -> ODataFilter {
        let token = try next()
        switch token.kind {
        case .open:
            let inner = try expression()
            try expect(.close, "')'")
            return inner
        case .word where token.text.lowercased() == "startswith":
            try expect(.open, "'(' after startswith")
            let property = try next()
            guard property.kind == .word else {
                throw ODataError(message: "startswith expects a property name, got '\(property.text)'")
            }
            try expect(.comma, "',' in startswith")
            let prefix = try next()
            guard prefix.kind == .string else {
                throw ODataError(message: "startswith expects a quoted string, got '\(prefix.text)'")
            }
            try expect(.close, "')' after startswith")
            return .startsWith(property.text, prefix.text)
        case .word where token.text.lowercased().hasSuffix("/any"):
            let property = String(token.text.dropLast(4))
            try expect(.open, "'(' after any")
            let variable = try next()
            guard variable.kind == .word else {
                throw ODataError(message: "any expects a lambda variable, got '\(variable.text)'")
            }
            try expect(.colon, "':' after the lambda variable")
            let body = try expression()
            try expect(.close, "')' closing any")
            return .any(property, variable: variable.text, body: body)
        case .word:
            let opToken = try next()
            guard opToken.kind == .word, let op = ODataFilter.Op(rawValue: opToken.text.lowercased()) else {
                throw ODataError(
                    message: "syntax error in $filter at '\(opToken.text)'; expected eq, ne, gt, ge, lt or le")
            }
            return .compare(token.text, op, try literal())
        default:
            throw ODataError(message: "syntax error in $filter at '\(token.text)'; expected a property name")
        }
    }

    mutating func literal() throws(ODataError) -> ODataFilter.Literal {
        let token = try next()
        switch token.kind {
        case .string: return .string(token.text)
        case .word:
            switch token.text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: break
            }
            if let int = Int(token.text) { return .int(int) }
            if let time = SimTime.parse(token.text) { return .date(time) }
            throw ODataError(
                message: "bad literal '\(token.text)' in $filter; quote strings ('x') and write dates as 2026-11-01Z")
        default:
            throw ODataError(message: "syntax error in $filter at '\(token.text)'; expected a value")
        }
    }
}
