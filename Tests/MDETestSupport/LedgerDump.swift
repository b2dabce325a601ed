import Foundation
import GRDB

/// Every row of every table of a ledger file as text, for "nothing changed" assertions.
///
/// - Parameter excluding: tables left out, e.g. `sync_runs` where a failed run is expected to add its row.
public func ledgerDump(_ path: String, excluding: Set<String> = []) throws -> String {
    try DatabaseQueue(path: path).read { db in
        var out = ""
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        for table in tables where !excluding.contains(table) {
            // A WITHOUT ROWID table (device_sightings) is ordered by its primary key's columns instead.
            let order = hasRowID(db, table) ? "rowid" : "1, 2"
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY \(order)") {
                out += "\(table) \(row)\n"
            }
        }
        return out
    }
}

private func hasRowID(_ db: Database, _ table: String) -> Bool {
    (try? db.makeStatement(sql: "SELECT rowid FROM \"\(table)\" LIMIT 0")) != nil
}

/// SplitMix64: a small seeded generator, so random test inputs repeat exactly from a seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
