import Foundation

/// An exclusive advisory lock held for the whole of a run that writes the ledger.
///
/// A sync spends minutes fetching before its one short write transaction, so SQLite's own locks would
/// let two runs fetch side by side and then collide ("database is locked"). `flock` on a sidecar file
/// (`<ledger>.lock`) refuses the second run up front, and the kernel drops it if the process is killed.
public final class LedgerLock: Sendable {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Takes the lock or throws a message telling the user another run is in progress.
    public static func acquire(ledgerPath: String, purpose: String) throws -> LedgerLock {
        let lockPath = ledgerPath + ".lock"
        // O_NOFOLLOW: a symlink planted at the lock path must not make us create or open a file elsewhere.
        let fd = open(lockPath, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link; remove it" : String(cString: strerror(errno))
            throw LedgerError("cannot open lock file \(lockPath): \(reason)")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw LedgerError(
                "another mde-ledger run is writing \(ledgerPath) (lock \(lockPath) is held); "
                    + "wait for it to finish and run \(purpose) again")
        }
        return LedgerLock(fd: fd)
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
