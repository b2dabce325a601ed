/// How the tenant lives as virtual time passes.
extension Tenant {
    /// Days MDE waits for a device to pick up an action before timing it out.
    static let actionTimeout = SimTime.days(7)

    /// Advances to `target`: open actions complete at their device's next report or time out after seven days
    /// (a succeeded Offboard silences its device unless it keeps reporting), devices report at their daily
    /// check-in time, health follows, and devices silent longer than the retention period leave the list.
    mutating func advance(to target: SimTime) {
        guard target > now else { return }
        resolveActions(until: target)
        for i in machines.indices { machines[i].advance(to: target) }
        machines.removeAll { target - $0.lastSeen > retention }
        now = target
        reindex()
    }

    private mutating func resolveActions(until target: SimTime) {
        for i in actions.indices where !actions[i].isFinal {
            let action = actions[i]
            let deadline = action.creationDateTimeUtc + Self.actionTimeout
            let index = action.machineId.flatMap { machineIndex[$0] }
            if let index, let checkIn = machines[index].nextCheckIn(after: action.lastUpdateDateTimeUtc),
                checkIn <= target, checkIn <= deadline
            {
                actions[i].status = "Succeeded"
                // The device reports back a few seconds after it picks the action up; derived from the id rather
                // than drawn, so advancing in small steps or one jump ends in the same tenant.
                let delay =
                    3 + Int(action.id.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 } % 40)
                actions[i].lastUpdateDateTimeUtc = checkIn + SimTime.seconds(Double(delay))
                if action.type == "Offboard", !machines[index].keepsReporting {
                    machines[index].silence(after: checkIn)
                }
            } else if deadline <= target {
                actions[i].status = "TimeOut"
                actions[i].lastUpdateDateTimeUtc = deadline
            }
        }
    }
}
