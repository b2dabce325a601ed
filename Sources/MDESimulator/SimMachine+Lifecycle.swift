extension SimTime {
    /// The most recent daily check-in at `timeOfDay` (ticks after midnight UTC) at or before `now`.
    static func lastCheckIn(before now: SimTime, timeOfDay: Int64) -> SimTime {
        let midnight = now.ticks - ((now.ticks % ticksPerDay) + ticksPerDay) % ticksPerDay
        let today = midnight + timeOfDay
        return SimTime(ticks: today <= now.ticks ? today : today - ticksPerDay)
    }
}

extension SimMachine {
    /// Days without a full report after which MDE calls a device Inactive.
    static let inactiveAfter = SimTime.days(7)

    /// A device found by device discovery rather than onboarded: no sensor, no agent, no group.
    mutating func makeDiscovered() {
        agentVersion = nil
        healthStatus = "Unknown"
        defenderAvStatus = "Unknown"
        riskScore = nil
        exposureLevel = nil
        managedBy = "Unknown"
        rbacGroupId = 0
        rbacGroupName = nil
        machineTags = []
        aadDeviceId = nil
        isAadJoined = false
        vmMetadata = nil
    }

    /// Sets `healthStatus` from the report history: silent for more than seven days means Inactive;
    /// a reporting device is mostly Active with a few sensor problems, chosen stably from its id.
    mutating func settleHealth(now: SimTime) {
        guard isOnboarded else { return }
        if now - lastSeen > Self.inactiveAfter {
            healthStatus = "Inactive"
            return
        }
        if healthStatus == "Inactive" { healthStatus = "Active" }
        guard healthStatus == "Active", let last = id.utf8.last else { return }
        // A stable few percent of devices report with sensor trouble.
        switch (Int(last) &* 31 &+ Int(id.utf8.first ?? 0)) % 50 {
        case 0: healthStatus = "ImpairedCommunication"
        case 1: healthStatus = "NoSensorData"
        case 2: healthStatus = "NoSensorDataImpairedCommunication"
        default: break
        }
    }
}
