/// Named points of a sync run, where tests stop or hold the process instead of racing it with timed kills.
public enum SyncCheckpoint: String, Sendable, CaseIterable {
    /// The run holds the ledger's lock and has made no API call yet.
    case locked
    /// Inside the commit transaction: the whole run is written but not committed.
    case inCommit = "in-commit"
    /// The run's transaction has committed.
    case committed
}
