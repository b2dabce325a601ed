import Foundation

/// Chooses the devices that play a part from the seed and their ids alone, so a run repeats exactly.
struct DemoCast {
    let seed: UInt64

    /// Whether `id` is among the `perMille` of devices picked for `role`.
    func picks(_ id: String, _ role: String, perMille: UInt64) -> Bool {
        hash("\(seed)|\(role)|\(id)") % 1_000 < perMille
    }

    /// FNV-1a: small, stable across runs and platforms (Swift's own hashing is seeded per process).
    private func hash(_ text: String) -> UInt64 {
        text.utf8.reduce(14_695_981_039_346_656_037) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }
}
