/// Size limits for input files, checked while reading so an oversized file or field fails before memory grows.
public struct InputLimits: Sendable, Hashable {
    /// The largest file accepted, in bytes (default 256 MB).
    public var maxFileBytes: Int
    /// The longest CSV cell or JSON string, in bytes (default 64 KB; real fields are far shorter).
    public var maxFieldBytes: Int

    public init(maxFileBytes: Int = 256 << 20, maxFieldBytes: Int = 64 << 10) {
        self.maxFileBytes = maxFileBytes
        self.maxFieldBytes = maxFieldBytes
    }

    public static let `default` = InputLimits()
}
