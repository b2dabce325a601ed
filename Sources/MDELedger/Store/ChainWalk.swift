import MDEAPI

/// The event chain's rules, one event at a time, whatever the ledger is stored in: each event follows the one
/// before without a gap, links to its hash, hashes to its own `hash` from its fields, and (format 2) carries RFC 8785
/// canonical JSON. SQLite's verify and PostgreSQL's walk their events through the same rules.
public struct ChainWalk: Sendable {
    /// The last event that passed: where the chain stands.
    public private(set) var head: (seq: Int64, hash: String)
    /// How many events passed.
    public private(set) var checked = 0
    /// Events from this seq on are format 2 (`ledger_formats`); `Int64.max` before migration 0004.
    let firstV2Event: Int64

    /// A walk from `start`: the genesis, or a trusted head whose event was proved already.
    public init(firstV2Event: Int64, from start: (seq: Int64, hash: String) = (0, EventChain.genesis)) {
        self.firstV2Event = firstV2Event
        head = start
    }

    /// Checks the next event. Returns the first broken link, named for the auditor, or nil when it holds.
    public mutating func next(_ fields: EventChain.Fields, prevHash: String, hash: String) -> String? {
        let name = "event \(fields.seq) (\(fields.kind) \(fields.subject))"
        let format = fields.seq >= firstV2Event ? 2 : 1
        if fields.seq != head.seq + 1 {
            return "first broken link: events \(head.seq + 1)…\(fields.seq - 1) are missing before \(name)"
        }
        if prevHash != head.hash {
            return "first broken link: \(name) does not chain to event \(head.seq)"
        }
        if EventChain.hash(prev: prevHash, fields, format: format) != hash {
            return "first broken link: \(name) was altered; its hash does not match its contents"
        }
        if format >= 2, (try? JSONValue.parse(fields.payload).canonicalText()) != fields.payload {
            return "\(name): its payload is not RFC 8785 canonical JSON"
        }
        head = (fields.seq, hash)
        checked += 1
        return nil
    }

    /// What is wrong with an earlier head (`verify --head`) given the hash the ledger now holds at its seq (nil: no
    /// such event), or nil when the ledger still holds it.
    public static func headProblem(expected: (seq: Int64, hash: String), found: String?) -> String? {
        guard let found else {
            return "head \(expected.seq):\(expected.hash) is gone: the ledger has no event \(expected.seq) (its chain "
                + "was cut or replaced)"
        }
        guard found == expected.hash else {
            return "head \(expected.seq):\(expected.hash) is gone: event \(expected.seq) now has hash \(found) (the "
                + "history up to it was rewritten)"
        }
        return nil
    }
}
