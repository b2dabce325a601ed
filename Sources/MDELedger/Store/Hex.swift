extension Sequence where Element == UInt8 {
    /// Lower-case hex. `String(format: "%02x")` per byte costs a formatter call each; a sync hashes an event
    /// per device, so this table lookup matters.
    var hexString: String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in self {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)
