import Foundation
import MDELedger

/// Test hooks for `sync`, read from the environment, so tests stop or hold a run at exact points instead of racing
/// it with timed kills (names as in `SyncCheckpoint`: `locked`, `in-commit`, `committed`):
/// - `MDE_LEDGER_TEST_KILL_AT=POINT`: the process kills itself (SIGKILL) at POINT.
/// - `MDE_LEDGER_TEST_PAUSE_AT=POINT` and `MDE_LEDGER_TEST_PAUSE_FILE=PATH`: at POINT the run creates
///   `PATH.reached` and waits until PATH exists (at most 120 s, then it goes on), holding whatever it holds.
struct SyncTestHook: Sendable {
    var killAt: SyncCheckpoint?
    var pauseAt: SyncCheckpoint?
    var pauseFile: String?

    init(environment: [String: String]) {
        killAt = environment["MDE_LEDGER_TEST_KILL_AT"].flatMap(SyncCheckpoint.init(rawValue:))
        pauseAt = environment["MDE_LEDGER_TEST_PAUSE_AT"].flatMap(SyncCheckpoint.init(rawValue:))
        pauseFile = environment["MDE_LEDGER_TEST_PAUSE_FILE"]
    }

    func reached(_ point: SyncCheckpoint) {
        if point == killAt { kill(getpid(), SIGKILL) }
        guard point == pauseAt, let pauseFile else { return }
        FileManager.default.createFile(atPath: pauseFile + ".reached", contents: Data())
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: pauseFile), Date() < deadline { usleep(10_000) }
    }
}
