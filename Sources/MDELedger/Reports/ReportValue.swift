import Foundation
import GRDB

/// One cell of a report, as SQLite returned it.
public enum ReportValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .real(number)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .text(data.base64EncodedString())
        }
    }

    /// The cell as text: empty for NULL, integers without a decimal point.
    public var text: String {
        switch self {
        case .null: ""
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .text(let text): text
        }
    }

    /// A number for charts; nil for NULL and text that is not a number.
    var number: Double? {
        switch self {
        case .null: nil
        case .integer(let number): Double(number)
        case .real(let number): number
        case .text(let text): Double(text)
        }
    }
}
