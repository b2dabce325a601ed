struct FilterToken: Equatable {
    enum Kind { case word, string, open, close, comma, colon }
    var kind: Kind
    var text: String
}

/// Splits a `$filter` into words (names, operators, numbers, unquoted dates), quoted strings and punctuation.
enum FilterLexer {
    static func tokens(_ text: String) throws(ODataError) -> [FilterToken] {
        let chars = Array(text)
        var tokens: [FilterToken] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case " ", "\t", "\n", "\r": i += 1
            case "(": tokens.append(.init(kind: .open, text: "(")); i += 1
            case ")": tokens.append(.init(kind: .close, text: ")")); i += 1
            case ",": tokens.append(.init(kind: .comma, text: ",")); i += 1
            case ":": tokens.append(.init(kind: .colon, text: ":")); i += 1
            case "'":
                // OData doubles a quote inside a string: 'O''Brien'.
                var value = ""
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "'" {
                        if i + 1 < chars.count, chars[i + 1] == "'" {
                            value.append("'")
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    value.append(chars[i])
                    i += 1
                }
                guard closed else { throw ODataError(message: "unterminated string in $filter: '\(value)") }
                tokens.append(.init(kind: .string, text: value))
            default:
                guard isWordCharacter(c) else {
                    throw ODataError(message: "unexpected character '\(c)' in $filter")
                }
                var word = ""
                // A word that starts with a digit is a number or a date, which may contain ':' and '.'.
                let numeric = c.isNumber || c == "-"
                while i < chars.count, isWordCharacter(chars[i]) || (numeric && (chars[i] == ":" || chars[i] == "+")) {
                    word.append(chars[i])
                    i += 1
                }
                tokens.append(.init(kind: .word, text: word))
            }
        }
        return tokens
    }

    private static func isWordCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_" || c == "/" || c == "." || c == "-" || c == "$"
    }
}
