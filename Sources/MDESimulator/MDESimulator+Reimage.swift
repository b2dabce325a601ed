/// What ties the MDE ids of one physical device together, as the simulated tenant holds it, and a re-image in the
/// middle of a story: tests compare the ledger's folding of re-imaged devices with these.
public struct SimulatedMachineIdentity: Sendable, Hashable {
    public var id: String
    public var computerDnsName: String
    public var osPlatform: String
    /// The id MDE merged this one into, if any.
    public var mergedIntoMachineId: String?
    /// The Entra device id, if the device is Entra-joined.
    public var aadDeviceId: String?
    public var isPotentialDuplication: Bool
}

extension MDESimulator {
    /// Every listed machine's id, name, platform and links, in list order.
    public func machineIdentities() -> [SimulatedMachineIdentity] {
        state.withLock { state in
            state.tenant.machines.map {
                SimulatedMachineIdentity(
                    id: $0.id, computerDnsName: $0.computerDnsName, osPlatform: $0.osPlatform,
                    mergedIntoMachineId: $0.mergedIntoMachineId, aadDeviceId: $0.aadDeviceId,
                    isPotentialDuplication: $0.isPotentialDuplication)
            }
        }
    }

    /// Re-images the device now, as MDE sees it: the old id sends no more reports, and the same computer reports
    /// under a new id from now on, first seen now. With `merge` MDE merges the old id into the new one
    /// (`mergedIntoMachineId`); without, it only flags the old one `isPotentialDuplication`. With
    /// `keepingEntraDeviceId` the new id reports the old Entra device id (the device kept its Entra registration,
    /// as an Autopilot reset does); without, a new one (a fresh join), or none if the device is not Entra-joined.
    /// The new id is derived from the old one and the seed, so a story repeats.
    /// - Returns: the new id, or nil if no listed machine has this id.
    @discardableResult
    public func reimage(_ id: String, merge: Bool = true, keepingEntraDeviceId: Bool = false) -> String? {
        let seed = configuration.seed
        return state.withLock { state in
            guard let index = state.tenant.index(ofMachine: id) else { return nil }
            let now = state.tenant.now
            let salt = id.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
            var rng = SplitMix64(seed: seed).fork(salt)
            var fresh = state.tenant.machines[index]
            fresh.id = rng.hex(40)
            let entra = rng.guid()
            if !keepingEntraDeviceId { fresh.aadDeviceId = fresh.isAadJoined ? entra : nil }
            fresh.firstSeen = now
            fresh.lastSeen = now
            fresh.silentFrom = nil
            fresh.isPotentialDuplication = false
            fresh.mergedIntoMachineId = nil
            fresh.healthStatus = "Active"
            state.tenant.machines[index].silence(after: now)
            if merge {
                state.tenant.machines[index].mergedIntoMachineId = fresh.id
            } else {
                state.tenant.machines[index].isPotentialDuplication = true
            }
            state.tenant.machines.append(fresh)
            state.tenant.machines.sort { $0.id < $1.id }
            state.tenant.reindex()
            return fresh.id
        }
    }
}
