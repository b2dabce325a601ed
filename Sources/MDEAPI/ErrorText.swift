/// Makes text from a file or a server safe to print in a message: control characters (terminal escape
/// sequences, NUL, line breaks, bidirectional overrides) become visible `\u{…}` escapes, and long text is cut.
public enum ErrorText {
    /// `text` with every control or format character escaped, at most `limit` characters (then `…`).
    /// - Parameter keepingLineBreaks: leave `\n` as it is (a message that lists problems one per line).
    public static func escaped(
        _ text: some StringProtocol, limit: Int = 1_000, keepingLineBreaks: Bool = false
    ) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit {
                result += "…"
                break
            }
            count += 1
            if keepingLineBreaks && scalar == "\n" {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse:
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `'text'`, escaped as ``escaped(_:limit:)`` does.
    public static func quoted(_ text: some StringProtocol, limit: Int = 1_000) -> String {
        "'" + escaped(text, limit: limit) + "'"
    }
}
