import Crypto
import Foundation
import GRDB
import MDEAPI

/// The outbox's part of `verify`: who asked for which offboard and why (`status` shows it) is history too. Each
/// plan and each step was written together with a chained event; the rows must still say what the events say,
/// and a stored approved plan must still hash to its SHA-256.
enum OutboxCheck {
    static func verify(_ db: Database, into report: inout VerifyReport) throws {
        try plans(db, into: &report)
        try steps(db, into: &report)
    }

    private static func plans(_ db: Database, into report: inout VerifyReport) throws {
        var events: [String: JSONValue] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT subject, payload FROM events WHERE kind = 'outbox_plan_created' ORDER BY seq")
        {
            events[row[0]] = try JSONValue.parse(row[1] as String)
        }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT id, kind, tag, comment, selection, requested_by, client_id, api_base_url, devices, sent_comment,
                       document, document_sha256
                FROM outbox_plans ORDER BY id
                """)
        {
            let id: Int64 = row["id"]
            guard let event = events.removeValue(forKey: "plan:\(id)") else {
                report.problems.append("outbox plan \(id) has no outbox_plan_created event")
                continue
            }
            let recorded: [(String, JSONValue?, JSONValue)] = [
                ("kind", event["kind"], text(row["kind"])), ("tag", event["tag"], text(row["tag"])),
                ("comment", event["comment"], text(row["comment"])),
                ("selection", event["selection"], try JSONValue.parse(row["selection"] as String)),
                ("requested_by", event["requested_by"], text(row["requested_by"])),
                ("client_id", event["client_id"], text(row["client_id"])),
                ("api_base_url", event["api_base_url"], text(row["api_base_url"])),
                ("devices", event["devices"], .int(row["devices"])),
            ]
            // Plans made since migration 0007 also name the Comment sent and the approved document's SHA-256.
            let later: [(String, JSONValue?, JSONValue)] =
                event["plan_sha256"] == nil
                ? []
                : [
                    ("sent_comment", event["sent_comment"], text(row["sent_comment"])),
                    ("plan_sha256", event["plan_sha256"], text(row["document_sha256"])),
                ]
            for (name, expected, found) in recorded + later where (expected ?? .null) != found {
                report.problems.append("outbox plan \(id): \(name) differs from its outbox_plan_created event")
            }
            if let document: String = row["document"],
                SHA256.hash(data: Data(document.utf8)).hexString != (row["document_sha256"] as String?)
            {
                report.problems.append("outbox plan \(id): the approved plan no longer hashes to its SHA-256")
            }
        }
        for subject in events.keys.sorted() {
            report.problems.append("event for \(subject) names an outbox plan that outbox_plans lacks")
        }
    }

    /// The n-th `outbox_step` event and the n-th `outbox_steps` row describe the same step.
    private static func steps(_ db: Database, into report: inout VerifyReport) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT seq, plan, machine_id, step, call, action_id, reconciled, http_status, error_code, message,
                       service_time
                FROM outbox_steps ORDER BY seq
                """)
        let events = try Row.fetchCursor(
            db, sql: "SELECT seq, subject, payload FROM events WHERE kind = 'outbox_step' ORDER BY seq")
        while let row = try rows.next() {
            let seq: Int64 = row["seq"]
            guard let event = try events.next() else {
                report.problems.append("outbox step \(seq) has no outbox_step event")
                return
            }
            let payload = try JSONValue.parse(event["payload"] as String)
            var expected: [String: JSONValue] = [
                "plan": .int(row["plan"]), "step": text(row["step"]),
            ]
            if let call: Int64 = row["call"] { expected["call"] = .int(call) }
            if let id: String = row["action_id"] { expected["action_id"] = .string(id) }
            if (row["reconciled"] as Int) == 1 { expected["reconciled"] = .bool(true) }
            if let status: Int64 = row["http_status"] { expected["http_status"] = .int(status) }
            if let code: String = row["error_code"] { expected["error_code"] = .string(code) }
            if let message: String = row["message"] { expected["message"] = .string(message) }
            if let time: String = row["service_time"] { expected["service_time"] = .string(time) }
            if payload != .object(expected) || (event["subject"] as String) != (row["machine_id"] as String) {
                report.problems.append(
                    "outbox step \(seq) (plan \(row["plan"] as Int64)) differs from its outbox_step event "
                        + "\(event["seq"] as Int64)")
                return
            }
        }
        if let extra = try events.next() {
            report.problems.append("outbox_step event \(extra["seq"] as Int64) has no outbox_steps row")
        }
    }

    private static func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
}
