/// The properties MDE documents as filterable (get-machines.md, get-machineactions-collection.md).
/// `firstSeen` and `rbacGroupName` are deliberately absent: the real service does not filter on them.
enum FilterSchemas {
    static let machines = FilterSchema<SimMachine>(
        entity: "Machine",
        fields: [
            ("computerDnsName", .string { $0.computerDnsName }),
            ("id", .string { $0.id }),
            ("version", .string { $0.version }),
            ("deviceValue", .string { $0.deviceValue }),
            ("aadDeviceId", .string { $0.aadDeviceId }),
            ("machineTags", .strings { $0.machineTags }),
            ("lastSeen", .time { $0.lastSeen }),
            ("exposureLevel", .string { $0.exposureLevel }),
            ("onboardingStatus", .string { $0.onboardingStatus }),
            ("lastIpAddress", .string { $0.lastIpAddress }),
            ("healthStatus", .string { $0.healthStatus }),
            ("osPlatform", .string { $0.osPlatform }),
            ("riskScore", .string { $0.riskScore }),
            ("rbacGroupId", .int { $0.rbacGroupId }),
        ])

    static let actions = FilterSchema<SimMachineAction>(
        entity: "MachineAction",
        fields: [
            ("id", .string { $0.id }),
            ("status", .string { $0.status }),
            ("machineId", .string { $0.machineId }),
            ("type", .string { $0.type }),
            ("requestor", .string { $0.requestor }),
            ("creationDateTimeUtc", .time { $0.creationDateTimeUtc }),
        ])
}
