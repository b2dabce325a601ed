import Foundation

/// Builds the deterministic tenant a simulator starts with: machines first, then the machine-action history,
/// which may change the machines it touched (a succeeded offboard silences its device).
struct TenantGenerator {
    let seed: UInt64
    let count: Int
    let now: SimTime
    /// Share of devices that keep reporting after a successful offboard.
    let reonboardFraction: Double

    func generate() -> (machines: [SimMachine], actions: [SimMachineAction]) {
        var rng = SplitMix64(seed: seed)
        var machinesRNG = rng.fork(1)
        var actionsRNG = rng.fork(2)
        _ = rng.next()
        var machines = makeMachines(&machinesRNG)
        let actions = makeActions(&actionsRNG, machines: &machines)
        for i in machines.indices { machines[i].settleHealth(now: now) }
        machines.sort { $0.id < $1.id }
        return (machines, actions)
    }

    private func makeMachines(_ rng: inout SplitMix64) -> [SimMachine] {
        var names = Set<String>()
        var machines: [SimMachine] = []
        machines.reserveCapacity(count)
        let weights = OSProfile.all.map { ($0, $0.weight) }
        for index in 0..<count {
            // About one device in thirty is the old entity of a re-imaged device: same name, older id.
            if index > 0, rng.chance(0.035), let newer = machines.last, newer.mergedIntoMachineId == nil,
                !newer.isPotentialDuplication, newer.isOnboarded, newer.reports(at: now)
            {
                var fresh = newer
                var old = makeOldTwin(of: &fresh, &rng)
                machines[machines.count - 1] = fresh
                old.checkInTimeOfDay = Int64(rng.below(Int(SimTime.ticksPerDay)))
                machines.append(old)
                continue
            }
            let discovered = rng.chance(0.07)
            let profile = discovered && rng.chance(0.3) ? OSProfile.unsupported : rng.weighted(weights)
            var machine = makeMachine(profile, &rng, names: &names)
            if discovered {
                machine.onboardingStatus =
                    profile.platform == OSProfile.unsupported.platform
                    ? "Unsupported" : rng.weighted([("CanBeOnboarded", 5), ("InsufficientInfo", 1)])
                machine.makeDiscovered()
            }
            machines.append(machine)
        }
        return machines
    }

    private func makeMachine(_ p: OSProfile, _ rng: inout SplitMix64, names: inout Set<String>) -> SimMachine {
        let (version, build, osVersion) = rng.pick(p.versions)
        let checkIn = Int64(rng.below(Int(SimTime.ticksPerDay)))
        // Most devices report daily; some stopped a few days ago (stale), some long ago (inactive).
        let behaviour = rng.weighted([(0, 85), (1, 5), (2, 10)])
        let lastSeen: SimTime
        switch behaviour {
        case 0: lastSeen = SimTime.lastCheckIn(before: now, timeOfDay: checkIn)
        case 1: lastSeen = now - SimTime.days(1 + rng.unit() * 6)
        default: lastSeen = now - SimTime.days(7.5 + rng.unit() * 162)
        }
        let firstSeen = lastSeen - SimTime.days(1 + rng.unit() * 700)
        let group = rng.chance(0.08) ? nil : Vocabulary.groups[p.kind]
        let aadJoined: Bool
        switch p.kind {
        case .client: aadJoined = rng.chance(0.85)
        case .mac: aadJoined = rng.chance(0.5)
        case .mobile: aadJoined = true
        case .server, .linux: aadJoined = rng.chance(0.05)
        }
        var tags: [String] = []
        for _ in 0..<rng.weighted([(0, 5), (1, 3), (2, 2), (3, 1)]) {
            let tag = rng.pick(Vocabulary.tags)
            if !tags.contains(tag) { tags.append(tag) }
        }
        if p.kind == .server { tags.append(rng.chance(0.7) ? "Production" : "Test") }
        let ip = "10.\(rng.below(64)).\(rng.below(256)).\(1 + rng.below(254))"
        var addresses = [
            SimMachine.IPAddress(
                ipAddress: ip, macAddress: mac(&rng), type: "Ethernet",
                operationalStatus: "Up")
        ]
        if p.isWindows {
            addresses.append(
                .init(
                    ipAddress: "127.0.0.1", macAddress: nil, type: "SoftwareLoopback",
                    operationalStatus: "Up"))
        }
        let name = uniqueName(p, &rng, names: &names)
        return SimMachine(
            id: rng.hex(40), computerDnsName: name, firstSeen: firstSeen, lastSeen: lastSeen,
            osPlatform: p.platform, osProcessor: "x64", version: version, osBuild: build, osVersion: osVersion,
            osArchitecture: "64-bit",
            agentVersion: p.agentPrefix.map { $0 + "\(10000 + rng.below(90000)).\(1000 + rng.below(9000))" },
            lastIpAddress: ip,
            lastExternalIpAddress: rng.chance(0.5)
                ? "203.0.113.\(1 + rng.below(254))" : "198.51.100.\(1 + rng.below(254))",
            healthStatus: "Active", onboardingStatus: "Onboarded",
            defenderAvStatus: p.kind == .mobile ? "NotSupported" : rng.weighted([("Updated", 9), ("NotUpdated", 1)]),
            rbacGroupId: group?.0 ?? 0, rbacGroupName: group?.1,
            riskScore: rng.weighted([("None", 40), ("Informational", 10), ("Low", 25), ("Medium", 15), ("High", 10)]),
            exposureLevel: rng.weighted([("None", 5), ("Low", 45), ("Medium", 40), ("High", 10)]),
            deviceValue: rng.weighted([("Normal", 90), ("High", 7), ("Low", 3)]),
            isAadJoined: aadJoined, aadDeviceId: aadJoined ? rng.guid() : nil, machineTags: tags,
            ipAddresses: addresses, isPotentialDuplication: false, mergedIntoMachineId: nil, isExcluded: false,
            exclusionReason: nil, managedBy: managedBy(p, &rng), managedByStatus: "Unknown",
            vmMetadata: p.kind == .server && rng.chance(0.4) ? vm(name, &rng) : nil,
            checkInTimeOfDay: checkIn,
            // A reporting device goes quiet some day (retired, lost, re-imaged): about 0.1% a day.
            silentFrom: behaviour == 0 ? now + SimTime.days(-log(1 - rng.unit()) * 1000) : lastSeen + 1,
            keepsReporting: rng.chance(reonboardFraction))
    }

    /// Turns `fresh` into a re-imaged device that first appeared 8–170 days ago and returns the old entity
    /// it replaced: same name, its own id, silent since shortly before the re-image.
    private func makeOldTwin(of fresh: inout SimMachine, _ rng: inout SplitMix64) -> SimMachine {
        fresh.firstSeen = now - SimTime.days(8 + rng.unit() * 160)
        var old = fresh
        old.id = rng.hex(40)
        old.lastSeen = fresh.firstSeen - SimTime.days(0.05 + rng.unit() * 2)
        old.firstSeen = old.lastSeen - SimTime.days(30 + rng.unit() * 600)
        old.aadDeviceId = old.isAadJoined ? rng.guid() : nil
        old.silence(after: old.lastSeen)
        old.machineTags = Array(old.machineTags.prefix(1))
        if rng.chance(0.5) {
            old.mergedIntoMachineId = fresh.id
        } else {
            old.isPotentialDuplication = true
            if rng.chance(0.3) { (old.isExcluded, old.exclusionReason) = (true, "Duplicate") }
        }
        return old
    }

    private func uniqueName(_ p: OSProfile, _ rng: inout SplitMix64, names: inout Set<String>) -> String {
        while true {
            let tag = alphanumerics(7, &rng)
            let person = rng.pick(Vocabulary.people)
            let name: String
            switch p.kind {
            case .client:
                name = (rng.chance(0.6) ? "desktop-" : "laptop-") + tag + (rng.chance(0.5) ? ".contoso.com" : "")
            case .server: name = "srv-\(rng.pick(Vocabulary.serverRoles))-\(tag.prefix(4)).corp.contoso.com"
            case .mac: name = "\(person)s-macbook-\(tag.prefix(4))"
            case .linux: name = "lnx-\(rng.pick(Vocabulary.serverRoles))-\(tag.prefix(5)).corp.contoso.com"
            case .mobile:
                name = p.platform == "iOS" ? "\(person)s-iphone-\(tag.prefix(4))" : "\(person)-pixel-\(tag.prefix(4))"
            }
            if names.insert(name).inserted { return name }
        }
    }

    private func alphanumerics(_ count: Int, _ rng: inout SplitMix64) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<count).map { _ in alphabet[rng.below(alphabet.count)] })
    }

    private func mac(_ rng: inout SplitMix64) -> String {
        let h = Array(rng.hex(12).uppercased())
        return stride(from: 0, to: 12, by: 2).map { String(h[$0..<($0 + 2)]) }.joined(separator: "-")
    }

    private func managedBy(_ p: OSProfile, _ rng: inout SplitMix64) -> String {
        switch p.kind {
        case .client: rng.weighted([("Intune", 8), ("ConfigMgr", 1), ("MDE", 1)])
        case .server, .linux: "MDE"
        case .mac, .mobile: "Intune"
        }
    }

    private func vm(_ name: String, _ rng: inout SplitMix64) -> SimMachine.VMMetadata {
        let subscription = rng.guid()
        let host = name.split(separator: ".").first.map(String.init) ?? name
        return .init(
            vmId: rng.guid(), cloudProvider: "Azure",
            resourceId: "/subscriptions/\(subscription)/resourceGroups/rg-servers/providers/"
                + "Microsoft.Compute/virtualMachines/\(host)",
            subscriptionId: subscription)
    }
}
