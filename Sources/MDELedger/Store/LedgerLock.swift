import Foundation
import MDEAPI

/// An exclusive advisory lock held for the whole of a run that writes the ledger.
///
/// A sync spends minutes fetching before its one short write transaction, so SQLite's own locks would
/// let two runs fetch side by side and then collide ("database is locked"). `flock` on a sidecar file
/// (`<ledger>.lock`) refuses the second run up front, and the kernel drops it if the process is killed.
public final class LedgerLock: Sendable {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Takes the lock, or throws `LedgerBusy` naming the run that holds it.
    /// - Parameter clock: the time written into the lock file for the next run's message.
    public static func acquire(ledgerPath: String, purpose: String, clock: LedgerClock = .system) throws -> LedgerLock {
        let lockPath = ledgerPath + ".lock"
        // O_NOFOLLOW: a symlink planted at the lock path must not make us create or open a file elsewhere.
        let fd = open(lockPath, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link; remove it" : String(cString: strerror(errno))
            throw LedgerError("cannot open lock file \(lockPath): \(reason)")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = Self.holder(fd)
            close(fd)
            throw LedgerBusy(ledgerPath: ledgerPath, lockPath: lockPath, purpose: purpose, holder: holder)
        }
        // Who holds it, for the message of a run refused meanwhile: only the holder writes, under the lock.
        let text = "pid \(getpid()), \(purpose), since \(clock.nowText())\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        return LedgerLock(fd: fd)
    }

    /// The holder's line from the lock file (`pid 123, sync, since …`), or nil when it wrote none.
    private static func holder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 200)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let line = String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\n").first.map(String.init)
        return line.map { ErrorText.escaped($0) }
    }

    deinit {
        _ = ftruncate(fd, 0)  // no stale holder line for a run refused by someone else's lock later
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Another run holds the ledger's lock. Not a failure of this run (the CLI exits 75, `EX_TEMPFAIL`: try later),
/// and nothing is recorded for it.
public struct LedgerBusy: Error, CustomStringConvertible {
    public var ledgerPath: String
    public var lockPath: String
    public var purpose: String
    /// The holder's own line: `pid 123, sync, since 2026-12-03T09:00:00Z`.
    public var holder: String?

    public var description: String {
        "another mde-ledger run is writing \(ledgerPath) (lock \(lockPath) is held"
            + (holder.map { " by \($0)" } ?? "") + "); wait for it to finish and run \(purpose) again"
    }
}
