/// In-process helpers for scenarios on the Graph side.
extension MDESimulator {
    /// Retires (or wipes) the device in Intune now, as an admin in the Intune portal would: its `managementState`
    /// turns `retirePending`, then `retireIssued` a day later, an audit event records who did it, and the device
    /// leaves Intune's list a week later. Its MDE telemetry goes on, as it does in real tenants.
    /// - Returns: false if Intune manages no device with this MDE id (a server, a re-imaged twin, or a device
    ///   already retired there).
    @discardableResult
    public func retireInIntune(_ machineId: String, wipe: Bool = false) -> Bool {
        let seed = configuration.seed
        return state.withLock { state in
            guard let index = state.graph.intune.firstIndex(where: { $0.machineId == machineId }) else { return false }
            let now = state.tenant.now
            if let action = state.graph.intune[index].action, action.at <= now { return false }
            // An id derived from the device, so a seeded story stays the same run after run.
            var rng = SplitMix64(seed: seed).fork(UInt64(truncatingIfNeeded: index) &+ 7_919)
            state.graph.intune[index].action = GraphTenant.IntuneAction(
                kind: wipe ? .wipe : .retire, at: GraphTenant.wholeSecond(now), actor: 0, leavesAfterDays: 7,
                fails: false, auditEventId: rng.guid())
            return true
        }
    }
}
