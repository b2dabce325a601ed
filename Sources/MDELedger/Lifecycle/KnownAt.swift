import Foundation
import GRDB
import MDEAPI

/// What an answer may know: the ledger as it stood when event `seq` (with `hash`) was its head.
public struct KnownAt: Sendable, Hashable {
    public var seq: Int64
    public var hash: String
    /// `4812:ab12…`, as reports print it.
    public var head: String { "\(seq):\(hash)" }
}

extension Ledger {
    /// Resolves `--known-at`: `SEQ:HASH` (the chain up to it is first proved, as `verify --head` does), `SEQ`, or
    /// a time (the last event recorded at or before it, by the local clock that recorded it).
    /// - Throws: `LedgerError` naming the problem: no such event, a hash that differs, a broken chain.
    public func knownAt(_ text: String) throws -> KnownAt {
        try dbQueue.read { db in
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            let seq: Int64
            if let number = Int64(parts[0]), number > 0, parts.count == 1 || parts[1].count == 64 {
                seq = number
            } else if let time = UTCTime.parse(text) {
                guard
                    let found = try Int64.fetchOne(
                        db, sql: "SELECT max(seq) FROM events WHERE recorded_at <= ?", arguments: [UTCTime.format(time)]
                    )
                else {
                    throw LedgerError(
                        "nothing was recorded at or before \(UTCTime.format(time)); --known-at is too early")
                }
                seq = found
            } else {
                throw LedgerError(
                    "--known-at \(ErrorText.quoted(text)) is not SEQ:HASH, SEQ or a time (as reports print the head)")
            }
            guard let hash = try String.fetchOne(db, sql: "SELECT hash FROM events WHERE seq = ?", arguments: [seq])
            else {
                throw LedgerError("the ledger has no event \(seq); --known-at names a head it never had")
            }
            if parts.count == 2, parts[0] == String(seq) {
                guard parts[1] == hash else {
                    throw LedgerError(
                        "head \(text) is gone: event \(seq) now has hash \(hash) (the history up to it was rewritten)")
                }
                var report = VerifyReport()
                try ChainCheck.verify(db, formats: try LedgerFormats(db), into: &report, upTo: seq)
                if let problem = report.problems.first {
                    throw LedgerError("the chain up to head \(text) does not verify: \(problem)")
                }
            }
            return KnownAt(seq: seq, hash: hash)
        }
    }
}
