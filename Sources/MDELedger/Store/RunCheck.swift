import Foundation
import GRDB
import MDEAPI

/// The run bookkeeping `verify` checks beside the chain: every history row belongs to a run that ended with
/// a `run_committed` event, each digest still matches the rows, and the run rows agree with what was counted.
enum RunCheck {
    /// The tables whose rows each carry the run that wrote them.
    static let historyTables = [
        "machine_observations", "device_sightings", "machine_action_observations", "retirements",
        "retirement_withdrawals", "source_observations", "finding_exceptions", "exception_revocations",
        "manual_offboards",
    ]

    /// - Parameter after: for `verify --since`: the trusted head's seq and the last run committed at or before it;
    ///   only later runs, their events and their history rows are checked (time order is checked for all runs).
    static func verify(
        _ db: Database, formats: LedgerFormats, into report: inout VerifyReport, after: (seq: Int64, run: Int64)? = nil
    ) throws {
        var committedEvents: [Int64: [Row]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT seq, run, occurred_at, payload ->> '$.observations_sha256' AS digest,
                       COALESCE(payload ->> '$.digest_version', 1) AS version
                FROM events WHERE kind = 'run_committed' AND seq > ? ORDER BY seq
                """, arguments: [after?.seq ?? 0])
        {
            committedEvents[row["run"] ?? -1, default: []].append(row)
        }
        let anchored = try ReshapeAnchor.digests(db, into: &report)
        checkTimeOrder(
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, tenant, status, observed_at, kind, complete, machines_seen, actions_seen
                    FROM sync_runs ORDER BY id
                    """), formats: formats, into: &report)
        let firstRun = (after?.run ?? 0) + 1
        let runs = try Row.fetchAll(
            db,
            sql: """
                SELECT id, tenant, status, observed_at, observations_written, events_written,
                    (SELECT count(*) FROM events e WHERE e.run = r.id AND e.kind <> 'run_failed') AS events,
                    (SELECT count(*) FROM machine_observations o WHERE o.run = r.id)
                    + (SELECT count(*) FROM device_sightings s WHERE s.run = r.id)
                    + (SELECT count(*) FROM machine_action_observations o WHERE o.run = r.id)
                    + (SELECT count(*) FROM source_observations o WHERE o.run = r.id) AS observations,
                    (SELECT count(*) FROM retirements x WHERE x.run = r.id)
                    + (SELECT count(*) FROM retirement_withdrawals w WHERE w.run = r.id)
                    + (SELECT count(*) FROM finding_exceptions x WHERE x.run = r.id)
                    + (SELECT count(*) FROM exception_revocations x WHERE x.run = r.id)
                    + (SELECT count(*) FROM manual_offboards x WHERE x.run = r.id) AS retirements
                , kind, complete, machines_seen, actions_seen
                FROM sync_runs r WHERE id >= ? ORDER BY id
                """, arguments: [firstRun])
        for run in runs {
            let id: Int64 = run["id"]
            let events = committedEvents.removeValue(forKey: id) ?? []
            let wrote = (run["events"] as Int) + (run["observations"] as Int) + (run["retirements"] as Int)
            if run["status"] as String != "committed" {
                if wrote > 0 || !events.isEmpty {
                    report.problems.append("run \(id) is recorded as failed but history rows or events name it")
                }
                continue
            }
            if events.count > 1 {
                report.problems.append("run \(id) has \(events.count) run_committed events")
                continue
            }
            guard let event = events.first else {
                // Before ledger format 2 a run that wrote nothing had no run_committed event.
                if id >= formats.firstV2Run || wrote > 0 {
                    report.problems.append(
                        "run \(id) has no run_committed event: the end of its history was cut from the chain")
                }
                continue
            }
            try check(db, run: run, event: event, anchored: anchored[id], formats: formats, into: &report)
        }
        for (run, events) in committedEvents.sorted(by: { $0.key < $1.key }) {
            report.problems.append("event \(events[0]["seq"] as Int64) commits run \(run), which sync_runs lacks")
        }
        for table in historyTables {
            let orphans =
                try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM \(table) WHERE run >= ? AND run NOT IN (SELECT id FROM sync_runs)",
                    arguments: [firstRun]) ?? 0
            if orphans > 0 { report.problems.append("\(orphans) \(table) rows name a run that does not exist") }
        }
    }

    /// The views answer "the newest row at or before T": a committed run dated before an earlier run of its
    /// tenant, even one appended with a correct chain, would rewrite what the past looked like, and one sharing
    /// an earlier run's second of the same stream would leave the answer to `seq` (`RunTimeOrder`).
    static func checkTimeOrder(_ runs: [Row], formats: LedgerFormats, into report: inout VerifyReport) {
        var latest: [Int64: (run: Int64, time: String)] = [:]
        var latestOfStream: [String: (run: Int64, time: String)] = [:]
        for run in runs where run["status"] as String == "committed" {
            guard let time: String = run["observed_at"] else { continue }
            let id: Int64 = run["id"]
            let tenant: Int64 = run["tenant"]
            if let previous = latest[tenant], time < previous.time {
                report.problems.append(
                    "run \(id) is dated \(time), before run \(previous.run) (\(previous.time)) of the same "
                        + "tenant: runs are committed in time order, so this one was added out of order")
                continue
            }
            latest[tenant] = (id, time)
            let streams = RunTimeOrder.streams(
                kind: run["kind"], complete: run["complete"], machinesSeen: run["machines_seen"] ?? 0,
                actionsSeen: run["actions_seen"] ?? 0)
            for stream in streams {
                let key = "\(tenant) \(stream.rawValue)"
                if let previous = latestOfStream[key], previous.time == time {
                    let text =
                        "run \(id) shares its time \(time) with run \(previous.run) of the same tenant, both of "
                        + stream.rawValue
                    if id >= formats.firstV5Run {
                        report.problems.append(text + ": from ledger format 5 on no two runs do, so it was added")
                    } else {
                        report.notes.append(
                            text + " (recorded before ledger format 5, when a server clock a little behind was "
                                + "recorded as the previous run's time; answers take the later run)")
                    }
                }
                latestOfStream[key] = (id, time)
            }
        }
    }

    private static func check(
        _ db: Database, run: Row, event: Row, anchored: String?, formats: LedgerFormats,
        into report: inout VerifyReport
    ) throws {
        let id: Int64 = run["id"]
        let eventSeq: Int64 = event["seq"]
        if id < formats.firstV3Run, formats.firstV3Run != .max {
            // History before migration 0006 was rewritten; the history_reshaped event holds its digests now.
            if let anchored, try RunDigest.compute(db, run: id, version: 3) == anchored {
                report.runsChecked += 1
            } else {
                report.problems.append(
                    anchored == nil
                        ? "run \(id) has no digest in the history_reshaped event"
                        : "history of run \(id) was altered after migration 0006 (digest in history_reshaped differs)")
            }
        } else if let digest: String = event["digest"] {
            if try RunDigest.compute(db, run: id, version: event["version"]) != digest {
                report.problems.append(
                    "history of run \(id) was altered after commit (digest in event \(eventSeq) differs)")
            }
            report.runsChecked += 1
        } else if id >= formats.firstV2Run {
            report.problems.append("run \(id)'s run_committed event \(eventSeq) carries no digest")
        }
        guard id >= formats.firstV2Run else { return }
        // A retirement-list run describes no snapshot: its observed_at is NULL (its digest covers that).
        if let observed: String = run["observed_at"], observed != (event["occurred_at"] as String) {
            report.problems.append("run \(id)'s observed_at differs from its run_committed event \(eventSeq)")
        }
        if (run["events_written"] as Int) != (run["events"] as Int) {
            report.problems.append(
                "run \(id) wrote \(run["events_written"] as Int) events, the chain holds \(run["events"] as Int)")
        }
        let rows = (run["observations"] as Int) + (run["retirements"] as Int)
        if (run["observations_written"] as Int) != rows {
            report.problems.append(
                "run \(id) wrote \(run["observations_written"] as Int) history rows, the ledger holds \(rows)")
        }
    }
}
