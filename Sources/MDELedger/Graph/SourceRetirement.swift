import Foundation
import MDEAPI

/// A retirement that a source system shows — Intune's retire, wipe or delete of a device, Entra's disable or delete —
/// joined to MDE by the device's Entra id (`aadDeviceId`), with the evidence for the auditor.
public struct SourceRetirement: Sendable, Hashable {
    /// The Entra device id the source names (Intune `azureADDeviceId`, Entra `deviceId`); every MDE machine that
    /// carries it is retired, so a reimaged device's successors are covered too.
    public var aadDeviceId: String
    /// When it was retired, canonical UTC: the audit event's time when there is one.
    public var retiredAt: String
    /// The source object, e.g. `intune:<managed device id>`.
    public var reference: String
    /// What shows it, e.g. `Intune managementState retirePending; audit event … 'Retire ManagedDevice' by …`.
    public var evidence: String
    /// Which kind of retirement it is; the tenant's `retirement_sources` setting says which kinds count.
    public var rule: RetirementSourceRule

    public init(
        aadDeviceId: String, retiredAt: String, reference: String, evidence: String, rule: RetirementSourceRule
    ) {
        self.aadDeviceId = aadDeviceId
        self.retiredAt = retiredAt
        self.reference = reference
        self.evidence = evidence
        self.rule = rule
    }
}
