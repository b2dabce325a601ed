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
            if isHidden(scalar) {
                result += visible(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The one output sanitizer for human-readable output (terminal, Markdown, HTML): every control or format
    /// character shown as a `\u{…}` escape, never removed silently. Machine formats (JSON, CSV) keep the value.
    public static func display(_ text: some StringProtocol) -> String {
        escaped(text, limit: .max)
    }

    /// Characters that act instead of showing: C0 and C1 controls (escape sequences, CR/LF), bidirectional
    /// overrides and isolates, zero-width characters (all format characters), separators, unassigned code points.
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse: return true
        default: return false
        }
    }

    /// `\u{202e}`: how a hidden character is shown.
    public static func visible(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16) + "}"
    }

    /// `'text'`, escaped as ``escaped(_:limit:)`` does.
    public static func quoted(_ text: some StringProtocol, limit: Int = 1_000) -> String {
        "'" + escaped(text, limit: limit) + "'"
    }
}
