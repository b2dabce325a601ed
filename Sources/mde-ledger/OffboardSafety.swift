import Dispatch
import Foundation
import MDEAPI
import MDELedger

/// The offboard options that guard what is sent (`offboard --help`).
struct OffboardSafety {
    var includeCancelled = false
    /// `--list`: the retirement list's SHA-256, or a file name.
    var retiredList: String?
    var planOut: String?
    var planFile: String?
    var allowLargePlan = false
    var maxSnapshotAge: Double = 24
    var maxPlanAge: Double = 24
}

extension OutboxCLI {
    /// The offboard safeguards before anything is written or sent: a fresh snapshot, the blast radius, and for an
    /// approved plan, that it still describes what would be sent.
    func checkSafety(
        _ safety: OffboardSafety, approved: PlanDocument?, _ ledger: Ledger, _ request: OutboxRequest,
        _ preview: OutboxPreview
    ) throws {
        if let approved {
            // A resumed approved plan has already sent some of its devices; their states changed on purpose.
            if let resumable = preview.resumablePlan,
                try ledger.outboxPlan(resumable).documentSHA256 == approved.sha256
            {
                try PlanApproval.checkHead(approved.head, ledger: ledger)
                return
            }
            try PlanApproval.check(approved, against: preview, ledger: ledger, maxAgeHours: safety.maxPlanAge)
            return
        }
        if preview.resumablePlan != nil { return }
        try PlanApproval.checkSnapshotAge(ledger, tenant: preview.tenant, maxHours: safety.maxSnapshotAge)
        let limit = try ledger.offboardSettings(for: preview.tenant).maxPerRun
        if preview.selected.count > limit && !safety.allowLargePlan {
            // A dry run of a large selection is how its plan file is made for approval: say what sending needs.
            if dryRun {
                print(
                    "note: \(preview.selected.count) devices, more than max_offboard_per_run (\(limit)): sending needs "
                        + "--allow-large-plan, or this plan approved and sent with --plan")
                return
            }
            throw PlanRefusal(
                "\(preview.selected.count) devices selected, more than max_offboard_per_run (\(limit)) of tenant "
                    + "\(preview.tenant.name); nothing was sent. Check the selection, then pass --allow-large-plan, "
                    + "send an approved plan (--dry-run --plan-out, then --plan), or raise the limit with "
                    + "'mde-ledger tenant set \(preview.tenant.name) max_offboard_per_run N'")
        }
    }

    static func readPlan(_ path: String) throws -> PlanDocument {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CLIFailure(message: "cannot read \(path); check the path (\(error.localizedDescription))", code: 64)
        }
        do {
            return try PlanDocument.read(data, file: path)
        } catch let refusal as PlanRefusal {
            throw CLIFailure(message: refusal.description, code: 64)
        }
    }

    /// Asks on a terminal; off a terminal only `--yes` confirms.
}

/// Who asks for an offboard: MDE records only the app, so the ledger and the Comment must name a person.
enum Requester {
    /// Account names that say nothing about who ran the command.
    static let generic: Set<String> = ["", "root", "runner", "system", "administrator", "admin", "unknown"]

    /// `--requested-by`, else `$USER` or `$LOGNAME`; refused when `required` and the only name is generic.
    static func resolve(_ given: String?, env: [String: String], required: Bool) throws -> String {
        if let given { return given.trimmingCharacters(in: .whitespaces) }
        let user =
            [env["USER"], env["LOGNAME"]].compactMap { $0?.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty } ?? ""
        if required && generic.contains(user.lowercased()) {
            throw CLIFailure(
                message: "this command records the person who asks, and $USER is "
                    + (user.isEmpty ? "empty" : "'\(ErrorText.escaped(user))'")
                    + "; pass --requested-by NAME (it is recorded in the ledger, and sent in an offboard's Comment)",
                code: 64)
        }
        return user.isEmpty ? "unknown" : user
    }
}
