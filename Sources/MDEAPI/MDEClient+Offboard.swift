import AzureAccess
import Foundation

extension MDEClient {
    /// The machine's Offboard actions, oldest first:
    /// `GET /api/machineactions?$filter=machineId eq '{id}' and type eq 'Offboard'`.
    ///
    /// Used before sending an offboard request whose answer was lost: offboarding is not idempotent, so the
    /// listing decides whether the request reached the service.
    public func offboardActions(machineId: String) async throws -> [MachineAction] {
        let quoted = machineId.replacingOccurrences(of: "'", with: "''")
        var found: [MachineAction] = []
        for try await page in machineActions(filter: "machineId eq '\(quoted)' and type eq 'Offboard'") {
            found += page.items
        }
        return found.sorted { ($0.creationDateTimeUtc ?? "", $0.id) < ($1.creationDateTimeUtc ?? "", $1.id) }
    }

    /// The request failed because the machine already has an open action (`400 ActiveRequestAlreadyExists`):
    /// for offboarding that means the device was already asked to offboard. Only the error code decides: the
    /// message is prose that the service may reword or translate.
    public static func isAlreadyInProgress(_ error: MDEAPIError) -> Bool {
        error.status == 400 && error.code?.caseInsensitiveCompare("ActiveRequestAlreadyExists") == .orderedSame
    }
}
