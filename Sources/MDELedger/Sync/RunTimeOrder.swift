import Foundation
import GRDB
import MDEAPI

/// A tenant's runs are in time order: no run is dated before an earlier run, and no run shares the second of
/// an earlier run that wrote the same kind of history (machines or actions). The views answer "the newest row
/// at or before T"; two runs of machines in one second would leave the answer about that second to `seq`
/// alone, and a run dated before its predecessor would rewrite what the past looked like.
///
/// A machines import and an actions import of one capture may share their `--observed-at`: they write
/// different history.
enum RunTimeOrder {
    /// What kind of history a run writes.
    enum Stream: String, CaseIterable, Sendable {
        case machines, actions

        /// `sync_runs` rows of this stream, as an SQL condition on the alias `r`.
        var condition: String {
            switch self {
            case .machines: "(r.kind = 'sync' OR r.machines_seen > 0 OR r.complete = 1)"
            case .actions: "(r.kind = 'sync' OR r.actions_seen > 0)"
            }
        }
    }

    /// The streams a run writes. A retirement list's run has no observation time and writes neither.
    static func streams(kind: String, complete: Bool, machinesSeen: Int, actionsSeen: Int) -> [Stream] {
        Stream.allCases.filter {
            switch $0 {
            case .machines: kind == "sync" || machinesSeen > 0 || complete
            case .actions: kind == "sync" || actionsSeen > 0
            }
        }
    }

    /// The earliest time a new run may be dated, and the run that sets it.
    struct Floor: Sendable {
        var time: String
        var run: Int64
        var runTime: String
        /// The floor is one second after `runTime` (that run wrote the same stream), not `runTime` itself.
        var sameStream: Bool
    }

    /// The floor for a run of `tenant` writing `streams`, or nil when the tenant has no dated run.
    static func floor(_ db: Database, tenant: Int64, streams: [Stream]) throws -> Floor? {
        func latestSQL(_ condition: String) -> String {
            """
            SELECT r.id, r.observed_at FROM sync_runs r
            WHERE r.tenant = ? AND r.status = 'committed' AND r.observed_at IS NOT NULL AND \(condition)
            ORDER BY r.observed_at DESC, r.id DESC LIMIT 1
            """
        }
        var best: Floor?
        func consider(_ row: Row?, sameStream: Bool) {
            guard let row else { return }
            let runTime: String = row[1]
            let time =
                sameStream
                ? UTCTime.parse(runTime).map { UTCTime.format($0.addingTimeInterval(1)) } ?? runTime : runTime
            if best == nil || time > best!.time {
                best = Floor(time: time, run: row[0], runTime: runTime, sameStream: sameStream)
            }
        }
        consider(
            try Row.fetchOne(db, sql: latestSQL("1"), arguments: [tenant]),
            sameStream: false)
        for stream in streams {
            consider(
                try Row.fetchOne(
                    db, sql: latestSQL(stream.condition), arguments: [tenant]),
                sameStream: true)
        }
        return best
    }

    /// Why `time` is below `floor`, in words for a warning or an error.
    static func reason(_ time: String, below floor: Floor) -> String {
        floor.sameStream && time == floor.runTime
            ? "run \(floor.run) of this tenant is already dated \(floor.runTime), the same second"
            : "run \(floor.run) of this tenant is dated \(floor.runTime), after \(time)"
    }
}
