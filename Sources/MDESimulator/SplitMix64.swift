/// A small, fast, seeded generator (Steele, Lea & Flood's SplitMix64).
///
/// The simulator never uses `SystemRandomNumberGenerator`: the same seed must produce the same tenant on
/// every machine and every run.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for an independent sub-stream, so adding draws to one part of the tenant does not
    /// reshuffle another.
    func fork(_ salt: UInt64) -> SplitMix64 {
        var copy = SplitMix64(seed: state ^ (salt &* 0xD1B5_4A32_D192_ED03))
        _ = copy.next()
        return copy
    }

    /// Uniform integer in `0..<n`.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Uniform double in `0..<1`.
    mutating func unit() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// Picks from `(value, weight)` pairs.
    mutating func weighted<T>(_ items: [(T, Int)]) -> T {
        let total = items.reduce(0) { $0 + $1.1 }
        var r = below(total)
        for (value, weight) in items {
            if r < weight { return value }
            r -= weight
        }
        return items[items.count - 1].0
    }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// `count` lower-case hex digits.
    mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(count)
        var bits: UInt64 = 0
        for k in 0..<count {
            if k % 16 == 0 { bits = next() }
            out.append(digits[Int(bits & 0xF)])
            bits >>= 4
        }
        return out
    }

    /// A version-4 style GUID, lower-case, as MDE prints action ids and aadDeviceIds.
    mutating func guid() -> String {
        let h = Array(hex(32))
        let variant = Array("89ab")[below(4)]
        return String(h[0..<8]) + "-" + String(h[8..<12]) + "-4" + String(h[13..<16]) + "-" + String(variant)
            + String(h[17..<20]) + "-" + String(h[20..<32])
    }
}
