extension TenantGenerator {
    /// The machine-action history: every type and status, user and app requestors, in creation order.
    /// A succeeded Offboard silences its device (except the few an Intune profile re-onboards), so the
    /// generated tenant already contains the stories the ledger must tell apart.
    func makeActions(_ rng: inout SplitMix64, machines: inout [SimMachine]) -> [SimMachineAction] {
        let onboarded = machines.indices.filter { machines[$0].isOnboarded }
        guard !onboarded.isEmpty else { return [] }
        var offboarded = Set<Int>()
        var actions: [SimMachineAction] = []
        let total = count * 3 / 10 + 5
        actions.reserveCapacity(total)
        let types = [
            ("RunAntiVirusScan", 30), ("Offboard", 12), ("Isolate", 10), ("Unisolate", 8),
            ("CollectInvestigationPackage", 12), ("StopAndQuarantineFile", 8), ("RestrictCodeExecution", 6),
            ("UnrestrictCodeExecution", 5), ("LiveResponse", 9),
        ]
        for _ in 0..<total {
            var type = rng.weighted(types)
            let index = onboarded[rng.below(onboarded.count)]
            let machine = machines[index]
            let windows = machine.osPlatform.hasPrefix("Windows")
            if type == "Offboard", !windows || offboarded.contains(index) || !machine.reports(at: now) {
                type = "RunAntiVirusScan"
            }
            // Actions happen while the device is known to MDE, mostly in the last 90 days.
            let earliest = max(machine.firstSeen.ticks, (now - SimTime.days(90)).ticks)
            let latest = machine.lastSeen.ticks
            guard earliest < latest else { continue }
            // One action in eight is from the last day, so a tenant always has some still in flight.
            let recent = max(earliest, (now - SimTime.days(1)).ticks)
            let from = rng.chance(0.125) && recent < latest ? recent : earliest
            let created = SimTime(ticks: from + Int64(rng.unit() * Double(latest - from)))
            var action = makeAction(type, created: created, machine: machine, &rng)
            if type == "Offboard" {
                offboarded.insert(index)
                if action.status == "Succeeded", !machines[index].keepsReporting {
                    // The device took the offboarding at its next report and has been silent since.
                    machines[index].lastSeen = action.lastUpdateDateTimeUtc
                    machines[index].silence(after: action.lastUpdateDateTimeUtc)
                }
            }
            action.computerDnsName = machine.computerDnsName
            actions.append(action)
        }
        actions.sort { ($0.creationDateTimeUtc, $0.id) < ($1.creationDateTimeUtc, $1.id) }
        return actions
    }

    private func makeAction(
        _ type: String, created: SimTime, machine: SimMachine, _ rng: inout SplitMix64
    ) -> SimMachineAction {
        let byApp = rng.chance(0.3)
        let age = now - created
        let status: String
        if age < SimTime.days(1), rng.chance(0.6) {
            status = rng.chance(0.5) ? "Pending" : "InProgress"
        } else {
            let final = rng.weighted([("Succeeded", 80), ("Failed", 8), ("TimeOut", 6), ("Cancelled", 6)])
            // MDE times an action out after seven days without the device, so a younger one failed instead.
            status = final == "TimeOut" && age < SimTime.days(7) ? "Failed" : final
        }
        let elapsed: Int64
        switch status {
        case "Pending": elapsed = 0
        case "InProgress": elapsed = SimTime.seconds(2 + rng.unit() * 60)
        case "TimeOut": elapsed = SimTime.days(7)
        default: elapsed = SimTime.seconds(20 + rng.unit() * 3600)
        }
        let updated = SimTime(ticks: min(created.ticks + elapsed, now.ticks))
        let cancelled = status == "Cancelled"
        return SimMachineAction(
            id: rng.guid(), type: type, scope: scope(type, &rng), title: nil,
            requestor: byApp ? rng.pick(Vocabulary.appIds) : rng.pick(Vocabulary.upns),
            requestorComment: comment(type, &rng), requestSource: byApp ? "PublicApi" : "Portal",
            status: status, machineId: machine.id, computerDnsName: machine.computerDnsName,
            creationDateTimeUtc: created, lastUpdateDateTimeUtc: updated,
            cancellationRequestor: cancelled ? rng.pick(Vocabulary.upns) : nil,
            cancellationComment: cancelled ? "Requested by mistake" : nil,
            cancellationDateTimeUtc: cancelled ? updated : nil,
            externalId: byApp && rng.chance(0.5) ? "ticket-\(10000 + rng.below(90000))" : nil,
            errorHResult: status == "Failed" ? -2_147_024_894 : 0,
            relatedFileInfo: type == "StopAndQuarantineFile"
                ? .init(fileIdentifier: rng.hex(40), fileIdentifierType: "Sha1") : nil)
    }

    private func scope(_ type: String, _ rng: inout SplitMix64) -> String? {
        switch type {
        case "Isolate": rng.chance(0.7) ? "Full" : "Selective"
        case "RunAntiVirusScan": rng.chance(0.7) ? "Quick" : "Full"
        default: nil
        }
    }

    private func comment(_ type: String, _ rng: inout SplitMix64) -> String {
        let ticket = "INC\(100000 + rng.below(900000))"
        switch type {
        case "Offboard": return rng.chance(0.5) ? "Device retired (\(ticket))" : "Decommissioned per asset list"
        case "RunAntiVirusScan": return "Scan after alert \(ticket)"
        case "Isolate": return "Contain suspicious activity, \(ticket)"
        case "Unisolate": return "Investigation closed, \(ticket)"
        case "CollectInvestigationPackage": return "Forensics for \(ticket)"
        case "StopAndQuarantineFile": return "Malicious file, \(ticket)"
        case "RestrictCodeExecution": return "Restrict app execution, \(ticket)"
        case "UnrestrictCodeExecution": return "Lift restriction, \(ticket)"
        default: return "Live response session, \(ticket)"
        }
    }
}
