import Crypto
import Foundation
import GRDB

/// A SHA-256 over the history rows (observations, retirements) one run wrote, stored in that run's `run_committed` event.
///
/// Observation rows are not events themselves (a daily sync of many devices would flood the chain), so
/// this digest is what makes them tamper-evident: editing, deleting or inserting an observation row of a
/// committed run changes the digest that `verify` recomputes.
enum RunDigest {
    static func compute(_ db: Database, run: Int64) throws -> String {
        var hasher = SHA256()
        for table in ["machine_observations", "machine_action_observations", "retirements"] {
            hasher.update(data: Data("\(table)\n".utf8))
            let rows = try Row.fetchCursor(
                db, sql: "SELECT * FROM \(table) WHERE run = ? ORDER BY seq", arguments: [run])
            while let row = try rows.next() {
                hasher.update(data: Data(line(row).utf8))
            }
        }
        return hasher.finalize().hexString
    }

    /// One row as text: each column as `name=value`, NULL distinct from any text, unit-separated.
    private static func line(_ row: Row) -> String {
        var parts: [String] = []
        for (column, value) in row {
            switch value.storage {
            case .null: parts.append("\(column)\u{0}")
            case .int64(let v): parts.append("\(column)=i\(v)")
            case .double(let v): parts.append("\(column)=d\(v)")
            case .string(let v): parts.append("\(column)=s\(v)")
            case .blob(let v): parts.append("\(column)=b\(v.base64EncodedString())")
            }
        }
        return parts.joined(separator: "\u{1F}") + "\u{1E}"
    }
}
