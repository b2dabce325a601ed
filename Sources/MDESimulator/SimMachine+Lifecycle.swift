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

extension SimMachine {
    /// Whether the device still sends its daily report at time `t`.
    func reports(at t: SimTime) -> Bool { silentFrom.map { t < $0 } ?? true }

    /// Stops the device reporting after `t`: its report at `t`, if any, is its last.
    mutating func silence(after t: SimTime) {
        silentFrom = min(silentFrom ?? t + 1, t + 1)
    }

    /// The first daily report strictly after `t`, if the device is still reporting then.
    func nextCheckIn(after t: SimTime) -> SimTime? {
        var next = SimTime.lastCheckIn(before: t, timeOfDay: checkInTimeOfDay)
        if next <= t { next = next + SimTime.ticksPerDay }
        return reports(at: next) ? next : nil
    }

    /// Brings `lastSeen` and `healthStatus` to virtual time `now`.
    mutating func advance(to now: SimTime) {
        let until = silentFrom.map { min(now, $0 - 1) } ?? now
        let latest = SimTime.lastCheckIn(before: until, timeOfDay: checkInTimeOfDay)
        if latest > lastSeen { lastSeen = latest }
        settleHealth(now: now)
    }
}
