import Foundation
import GRDB
import MDEAPI

/// What a retirement run read: a list file, or a source system's answer (its canonical JSON), by name and digest.
struct RetirementSource {
    var name: String
    var sha256: String
    var bytes: Int
}

/// What `import retired` recorded.
public struct RetirementImportSummary: Sendable, Hashable {
    public var run: Int64
    public var tenant: String
    public var rows: Int
    public var recorded: Int
    /// Rows identical to the device's current retirement (a re-imported list).
    public var unchanged: Int
    public var lifecycleTransitions: Int
    /// Rows that match no device, each as `line N: why`; recorded as `retirement_unmatched` events.
    public var unmatched: [String] = []
}

extension Ledger {
    /// Imports a retirement list. Every row must carry a date (`YYYY-MM-DD`, `YYYY/MM/DD` or an ISO time), or the
    /// file has no date column and `retiredOn` gives one for all rows; a row may not name several devices (by id,
    /// aadDeviceId, or an exact name); otherwise nothing is imported and the error lists every bad row with its
    /// line number and, for ambiguous names, the candidate ids. Which columns are read is ``RetirementHeaders``'
    /// table: Intune's and Entra's exports join on their Entra device id column, never on Intune's own id or
    /// Entra's object id, and an Entra export is refused unless every device on it is disabled. A row that matches
    /// no device (an asset the MDE tenant never had, a name first seen after the date) is not a reason to refuse
    /// the list: it is recorded as unmatched, with why, and reported.
    public func importRetirements(
        path: String, tenant selection: TenantSelection, limits: InputLimits = .default, retiredOn: String? = nil
    ) throws -> RetirementImportSummary {
        let lock = try LedgerLock.acquire(ledgerPath: self.path, purpose: "import retired")
        defer { withExtendedLifetime(lock) {} }
        let file = URL(fileURLWithPath: path).lastPathComponent
        let retiredAt = try retiredOn.map { try Self.retirementDate($0).get() }
        // ImportFile refuses invalid UTF-8 rather than replacing it, and enforces the size limits while reading.
        let input = try ImportFile.read(path, limits: limits)
        let rows = try RetirementList.parse(input, name: file, retiredOn: retiredAt)
        return try dbQueue.write { db in
            let tenant = try Self.resolveTenant(db, selection)
            var matches: [(RetirementRow, DeviceCandidate)] = []
            var unmatched: [(RetirementRow, String)] = []
            var problems: [String] = []
            for row in rows {
                var found = try DeviceLookup.candidates(db, query: row.device, tenant: tenant.id)
                // An Entra device id column names a device by its Entra id only: never by an MDE id or a name.
                if row.byEntraDeviceId { found.removeAll { $0.matchedBy != "aad_device_id" } }
                // Names are reused: a device first seen after the retirement date cannot be the one retired.
                let later = found.filter {
                    $0.matchedBy == "name" && ($0.firstSeen.flatMap(UTCTime.canonical) ?? "") > row.retiredAt
                }
                found.removeAll { later.contains($0) }
                switch found.count {
                case 1: matches.append((row, found[0]))
                case 0 where !later.isEmpty:
                    let ids = later.map { "\($0.id) (first seen \($0.firstSeen ?? "-"))" }.joined(separator: ", ")
                    unmatched.append(
                        (
                            row,
                            "the name \(ErrorText.quoted(row.device)) belongs only to \(ids), first seen after the "
                                + "retirement date \(row.retiredAt) (names are reused); give the retired device's id or "
                                + "Entra device id"
                        ))
                case 0: unmatched.append((row, "no device matches \(ErrorText.quoted(row.device))"))
                default:
                    let ids = found.map { "\($0.id) (\($0.computerDnsName ?? "-"), lastSeen \($0.lastSeen ?? "-"))" }
                    problems.append(
                        "line \(row.line): \(ErrorText.quoted(row.device)) matches \(found.count) devices; use one id: "
                            + ids.joined(separator: ", "))
                }
            }
            let merged = RetirementList.merged(matches, id: \.id, problems: &problems)
            if !problems.isEmpty { throw RetirementImportError(description: RetirementList.message(file, problems)) }
            return try recordRetirements(
                db, tenant: tenant, list: RetirementSource(name: file, sha256: input.sha256, bytes: input.bytes),
                matches: merged, unmatched: unmatched)
        }
    }

    /// A retirement date as `import retired` reads it (`YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY年M月D日` or an ISO-8601
    /// time; a day means 00:00 UTC) as a canonical UTC time, or why it is not one.
    public static func retirementDate(_ text: String) -> Result<String, RetirementImportError> {
        RetirementList.date(text.trimmingCharacters(in: .whitespaces)).mapError {
            RetirementImportError(description: "--retired-on: \($0.description)")
        }
    }

    /// Records matched retirements as one retirement run: a row per fact, a `device_retired` event each, the
    /// lifecycle transitions they cause, and `run_committed` with the source's digest.
    func recordRetirements(
        _ db: Database, tenant: TenantRecord, list: RetirementSource, matches: [(RetirementRow, DeviceCandidate)],
        unmatched: [(RetirementRow, String)] = []
    ) throws -> RetirementImportSummary {
        let (file, sha256) = (list.name, list.sha256)
        let now = self.clock.nowText()
        // observed_at stays NULL: a retirement list says nothing about what MDE showed, so it must not move
        // the "latest snapshot" time that answers default to.
        try db.execute(
            sql: """
                INSERT INTO sync_runs (tenant, kind, status, complete, started_at, finished_at, observed_at, source)
                VALUES (?, 'import', 'committed', 0, ?, ?, NULL, ?)
                """, arguments: [tenant.id, now, now, "retired: \(file)"])
        let run = db.lastInsertedRowID
        let events = try EventAppender(db, clock: self.clock)
        var recorded = 0
        for (row, device) in matches {
            if try Self.appendRetirement(
                db, tenant: tenant.id, run: run, now: now, row: row, device: device, list: list, events: events)
            {
                recorded += 1
            }
        }
        // The rows that matched no device stay on record too: an auditor can see what the list asked for.
        for (row, reason) in unmatched {
            var payload: [String: JSONValue] = [
                "device_input": .string(row.device), "retired_at": .string(row.retiredAt),
                "reason": .string(reason), "source": .string(row.reference ?? "\(file):\(row.line)"),
                "list_sha256": .string(sha256),
            ]
            if let note = row.note { payload["note"] = .string(note) }
            try events.append(
                kind: "retirement_unmatched", subject: "list:\(sha256)", tenant: tenant.id, run: run, occurredAt: now,
                payload: .object(payload))
        }
        let transitions = try LifecycleTransitions.apply(db, tenant: tenant.id, run: run, events: events)
        // Like every run it ends with run_committed; its "retirements" count marks it as no device snapshot, so
        // it never becomes the time answers default to.
        try events.append(
            kind: "run_committed", subject: "run:\(run)", tenant: tenant.id, run: run, occurredAt: now,
            payload: .object([
                "kind": .string("import"), "source": .string("retired: \(file)"),
                "retirements": .int(Int64(recorded)), "unmatched": .int(Int64(unmatched.count)),
                "list_sha256": .string(sha256), "list_bytes": .int(Int64(list.bytes)),
                "digest_version": .int(Int64(RunDigest.currentVersion)),
                "observations_sha256": .string(try RunDigest.compute(db, run: run)),
            ]))
        try db.execute(
            sql: "UPDATE sync_runs SET events_written = ?, observations_written = ? WHERE id = ?",
            arguments: [events.written, recorded, run])
        return RetirementImportSummary(
            run: run, tenant: tenant.name, rows: matches.count + unmatched.count, recorded: recorded,
            unchanged: matches.count - recorded, lifecycleTransitions: transitions,
            unmatched: unmatched.map { "line \($0.0.line): \($0.1)" })
    }

    /// Records one machine's retirement (a `retirements` row and its `device_retired` event) unless its current
    /// retirement is this one already; the same retirement again changes nothing, unless it was withdrawn: then
    /// recording it retires anew.
    /// - Returns: whether anything was recorded.
    static func appendRetirement(
        _ db: Database, tenant: Int64, run: Int64, now: String, row: RetirementRow, device: DeviceCandidate,
        list: RetirementSource, events: EventAppender
    ) throws -> Bool {
        let current = try Row.fetchOne(
            db,
            sql:
                """
                SELECT r.retired_at, r.note, EXISTS (
                    SELECT 1 FROM retirement_withdrawals w
                    WHERE w.tenant = r.tenant AND w.machine_id = r.machine_id AND w.retirement >= r.seq)
                FROM retirements r WHERE r.tenant = ? AND r.machine_id = ? ORDER BY r.seq DESC LIMIT 1
                """,
            arguments: [tenant, device.id])
        if let current, current[0] as String == row.retiredAt, current[1] as String? == row.note,
            !(current[2] as Bool)
        {
            return false
        }
        let source = row.reference ?? "\(list.name):\(row.line)"
        try db.execute(
            sql: """
                INSERT INTO retirements (tenant, machine_id, retired_at, note, device_input, matched_by, source, run,
                    imported_at, list_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                tenant, device.id, row.retiredAt, row.note, row.device, device.matchedBy, source, run, now,
                list.sha256,
            ])
        var payload: [String: JSONValue] = [
            "retired_at": .string(row.retiredAt), "device_input": .string(row.device),
            "matched_by": .string(device.matchedBy), "source": .string(source), "list_sha256": .string(list.sha256),
        ]
        if let note = row.note { payload["note"] = .string(note) }
        try events.append(
            kind: "device_retired", subject: device.id, tenant: tenant, run: run, occurredAt: row.retiredAt,
            payload: .object(payload))
        return true
    }
}
