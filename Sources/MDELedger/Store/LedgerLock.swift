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
        let fd = open(lockPath, O_CREAT | O_RDWR, 0o600)
        guard fd >= 0 else {
            throw LedgerError("cannot open lock file \(lockPath): \(String(cString: strerror(errno)))")
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
