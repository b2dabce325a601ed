import Foundation
import GraphAPI
import MDELedger

/// Which Intune devices count as retired, and the evidence for each: a `managementState` of a retire, wipe or
/// delete under way or issued (beta only — v1.0 has no such field), with the audit event of that action when the
/// app may read audit events. A device that merely left the Intune list is never taken as retired: cleanup rules
/// hide devices that did not check in, too.
enum IntuneRetirements {
    /// The `managementState`s that show a retire, wipe or delete, by the kind of retirement they are.
    static let retiredStates: [String: RetirementSourceRule] = [
        "retirepending": .intuneRetire, "retireissued": .intuneRetire, "wipepending": .intuneWipe,
        "wipeissued": .intuneWipe, "deletepending": .intuneDelete,
    ]

    static func facts(
        devices: [IntuneManagedDevice], events: [IntuneAuditEvent], answeredAt: Date
    ) -> [SourceRetirement] {
        devices.compactMap { device in
            guard let state = device.managementState, let rule = retiredStates[state.lowercased()],
                let aad = device.azureADDeviceId
            else { return nil }
            // The latest retire, wipe or delete of this device in the audit log.
            let event =
                events
                .filter { event in
                    event.resourceIds.contains(device.id)
                        && ["retire", "wipe", "delete"].contains { action in
                            (event.activity ?? event.displayName ?? "").lowercased().contains(action)
                        }
                }
                .max { ($0.activityDateTime ?? "") < ($1.activityDateTime ?? "") }
            let eventTime = event?.activityDateTime.flatMap(UTCTime.parse).map(UTCTime.format)
            var evidence = "Intune managementState \(state) (managed device \(device.id), \(device.deviceName ?? "-"))"
            if let event {
                evidence +=
                    "; audit event \(event.id) '\(event.activity ?? event.displayName ?? "-")' at "
                    + "\(eventTime ?? "-") by \(event.actorUserPrincipalName ?? event.actorApplicationDisplayName ?? "-")"
            }
            return SourceRetirement(
                aadDeviceId: aad, retiredAt: eventTime ?? UTCTime.format(answeredAt), reference: "intune:\(device.id)",
                evidence: evidence, rule: rule)
        }
    }
}
