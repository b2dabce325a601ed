import NIOCore

/// PostgreSQL's text format for `COPY … FROM STDIN`: one line per row, fields separated by tabs, `\N` for NULL, and
/// backslash, tab, newline and carriage return escaped so any text survives byte for byte. One bound statement per
/// row would cost a round trip each and an `INSERT … VALUES` of many rows meets the 65,535-parameter limit; COPY has
/// neither. Pure: the encoding is tested against a real server's reading of it.
public enum CopyText {
    /// One field's value.
    public enum Field: Sendable, Equatable {
        case null
        case text(String)
        case integer(Int64)
        /// A `bytea` value, written in PostgreSQL's hex form.
        case bytes([UInt8])
    }

    /// Appends one row (its fields and the line break) to `buffer`.
    public static func append(_ row: [Field], to buffer: inout ByteBuffer) {
        for (index, field) in row.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            switch field {
            case .null: buffer.writeStaticString("\\N")
            case .integer(let value): buffer.writeString(String(value))
            case .text(let value): appendEscaped(value, to: &buffer)
            case .bytes(let value):
                // `\x` starts bytea's hex form; COPY's own escaping doubles the backslash.
                buffer.writeStaticString("\\\\x")
                for byte in value {
                    buffer.writeInteger(hexDigits[Int(byte >> 4)])
                    buffer.writeInteger(hexDigits[Int(byte & 0x0F)])
                }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func appendEscaped(_ text: String, to buffer: inout ByteBuffer) {
        let utf8 = text.utf8
        // Most values need no escape: write them in one go.
        guard utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
            buffer.writeString(text)
            return
        }
        for byte in utf8 {
            switch byte {
            case 0x5C: buffer.writeStaticString("\\\\")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}
