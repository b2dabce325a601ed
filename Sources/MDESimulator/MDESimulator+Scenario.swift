/// In-process helpers that script a device's story for scenario tests, e.g. a laptop retired without
/// offboarding that stops reporting, or one an Intune profile keeps re-onboarding.
///
/// ```swift
/// let laptop = sim.simulator.machineIds()[0]
/// sim.simulator.setKeepsReporting(laptop)      // it will ignore a successful offboard
/// sim.simulator.advanceClock(by: 200 * 86_400)
/// ```
extension MDESimulator {
    /// Ids of the machines currently listed, in list order.
    public func machineIds() -> [String] { state.withLock { $0.tenant.machines.map(\.id) } }

    /// Makes the device send no more reports from now on, as a laptop put in a drawer would.
    /// - Returns: false if no listed machine has this id.
    @discardableResult
    public func retireDeviceSilently(_ id: String) -> Bool {
        updateMachine(id) { machine, now in machine.silence(after: now) }
    }

    /// Makes the device report daily from now on, and keep reporting even after a successful offboard
    /// (or stop keeping on, with `false`).
    /// - Returns: false if no listed machine has this id.
    @discardableResult
    public func setKeepsReporting(_ id: String, _ keepsReporting: Bool = true) -> Bool {
        updateMachine(id) { machine, _ in
            machine.keepsReporting = keepsReporting
            if keepsReporting { machine.silentFrom = nil }
        }
    }

    private func updateMachine(_ id: String, _ change: (inout SimMachine, SimTime) -> Void) -> Bool {
        state.withLock { state in
            guard let index = state.tenant.index(ofMachine: id) else { return false }
            change(&state.tenant.machines[index], state.tenant.now)
            return true
        }
    }
}
