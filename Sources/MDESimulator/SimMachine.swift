/// One device as the simulated tenant holds it. Field names follow MDE's JSON (mde-api.md §6).
struct SimMachine: Sendable, Equatable {
    struct IPAddress: Sendable, Equatable {
        var ipAddress: String
        var macAddress: String?
        var type: String
        var operationalStatus: String
    }

    struct VMMetadata: Sendable, Equatable {
        var vmId: String
        var cloudProvider: String
        var resourceId: String
        var subscriptionId: String
    }

    var id: String
    var computerDnsName: String
    var firstSeen: SimTime
    var lastSeen: SimTime
    var osPlatform: String
    var osProcessor: String
    var version: String?
    var osBuild: Int?
    var osVersion: String?
    var osArchitecture: String
    var agentVersion: String?
    var lastIpAddress: String
    var lastExternalIpAddress: String?
    var healthStatus: String
    var onboardingStatus: String
    var defenderAvStatus: String
    var rbacGroupId: Int
    var rbacGroupName: String?
    var riskScore: String?
    var exposureLevel: String?
    var deviceValue: String
    var isAadJoined: Bool
    var aadDeviceId: String?
    var machineTags: [String]
    var ipAddresses: [IPAddress]
    var isPotentialDuplication: Bool
    var mergedIntoMachineId: String?
    var isExcluded: Bool
    var exclusionReason: String?
    var managedBy: String
    var managedByStatus: String
    var vmMetadata: VMMetadata?

    /// Simulation state, never serialised: the device's daily full-report time (ticks after midnight UTC),
    /// the time from which it sends no more reports (nil: it keeps reporting), and whether it keeps
    /// reporting after a successful offboard (an Intune profile re-onboards it).
    var checkInTimeOfDay: Int64
    var silentFrom: SimTime?
    var keepsReporting = false

    var isOnboarded: Bool { onboardingStatus == "Onboarded" }
}
