import Foundation
import MDEAPI

extension OutboxEngine {
    /// Tags the open devices in calls of at most 500 ids. Each call's `sent` steps are committed before it, and the
    /// returned machines are written into the ledger before the `accepted` steps, so a rerun skips them.
    func tag(_ open: [OutboxDeviceStep], _ run: inout OutboxRun) async throws {
        let plan = run.plan
        guard let tag = plan.tag else { return }
        let add = plan.kind == .tagAdd
        var call = 0
        for start in stride(from: 0, to: open.count, by: MDEClient.maxMachinesPerTagCall) {
            let ids = open[start..<min(open.count, start + MDEClient.maxMachinesPerTagCall)].map(\.machineId)
            call += 1
            try ledger.appendSteps(plan, ids.map { StepRecord(machineId: $0, step: .sent, call: call) })
            checkpoint()
            run.sent += ids.count
            do {
                let machines = try await client.tagMachines(ids, tag: tag, add: add)
                checkpoint()
                try await commitMachines(machines, &run)
                let returned = Set(machines.map { $0.id.lowercased() })
                try ledger.appendSteps(
                    plan,
                    ids.map { id in
                        returned.contains(id.lowercased())
                            ? StepRecord(machineId: id, step: .accepted, call: call)
                            : StepRecord(
                                machineId: id, step: .rejected, call: call, message: "not returned by the API")
                    })
                checkpoint()
            } catch let error as MDEAPIError {
                checkpoint()
                let refused: OutboxStep
                switch error.status {
                case nil, .some(500...599): throw error  // left `sent`: a rerun sends the batch again (harmless)
                case .some(401), .some(403), .some(429): refused = .deferred
                default: refused = .rejected
                }
                try ledger.appendSteps(
                    plan,
                    ids.map {
                        StepRecord(
                            machineId: $0, step: refused, call: call, httpStatus: error.status,
                            errorCode: error.code, message: error.message ?? error.hint)
                    })
                checkpoint()
                if refused == .deferred { throw error }
            }
            run.advance(by: ids.count)
        }
    }
}
