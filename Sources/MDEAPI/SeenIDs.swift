/// The ids a listing has returned so far, to drop an item a later page repeats.
///
/// A listing of a million machines keeps a million ids. As `Set<String>` each 40-character id is a heap string of
/// its own (about 110 bytes a device with the set's table); an MDE machine id, 40 lowercase hex digits, is kept
/// here as its 20 bytes instead (about 40 bytes a device). Any other id (an action's GUID, an id in another case)
/// is kept as its text, so two ids are the same entry exactly when their texts are equal.
struct SeenIDs {
    private enum Key: Hashable {
        case hex40(UInt64, UInt64, UInt32)
        case text(String)
    }

    private var keys: Set<Key> = []

    /// Adds `id`; false when it was there already.
    mutating func insert(_ id: String) -> Bool {
        keys.insert(Self.key(id)).inserted
    }

    var count: Int { keys.count }

    private static func key(_ id: String) -> Key {
        guard id.utf8.count == 40 else { return .text(id) }
        var words: (UInt64, UInt64, UInt32) = (0, 0, 0)
        for (index, byte) in id.utf8.enumerated() {
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            default: return .text(id)
            }
            switch index {
            case 0..<16: words.0 = words.0 << 4 | UInt64(nibble)
            case 16..<32: words.1 = words.1 << 4 | UInt64(nibble)
            default: words.2 = words.2 << 4 | UInt32(nibble)
            }
        }
        return .hex40(words.0, words.1, words.2)
    }
}
