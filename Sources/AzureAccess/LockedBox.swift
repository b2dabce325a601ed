import Foundation

/// A value guarded by a lock, for the few bits of shared mutable state that must be reachable synchronously.
///
/// (`Synchronization.Mutex` would do, but it needs macOS 15 and the package supports macOS 14.)
package final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) {
        self.value = value
    }

    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
