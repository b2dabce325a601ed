/// Changes API callers make: offboarding and machine tags.
extension Tenant {
    enum WriteError: Error, Equatable {
        case machineNotFound
        case platformNotSupported(String)
        case notOnboarded
        case alreadyInProgress
    }

    static let offboardPlatforms: Set<String> = [
        "windows10", "windows11", "windowsserver2016", "windowsserver2019", "windowsserver2022", "windowsserver2025",
    ]

    /// Records an Offboard action for the machine, Pending until the device next reports.
    mutating func offboard(_ key: String, comment: String, requestor: String) throws(WriteError) -> SimMachineAction {
        guard let machine = machine(idOrName: key) else { throw .machineNotFound }
        // As the service documents it: Windows 10/11 and Windows Server 2016 or later; down-level Windows, macOS,
        // Linux and mobile devices are offboarded on the device.
        guard Self.offboardPlatforms.contains(machine.osPlatform.lowercased()) else {
            throw .platformNotSupported(machine.osPlatform)
        }
        guard machine.isOnboarded else { throw .notOnboarded }
        let open = actions.contains {
            $0.machineId == machine.id && $0.type == "Offboard" && ($0.status == "Pending" || $0.status == "InProgress")
        }
        guard !open else { throw .alreadyInProgress }
        let action = SimMachineAction(
            id: rng.guid(), type: "Offboard", scope: nil, title: nil, requestor: requestor,
            requestorComment: comment, requestSource: "PublicApi", status: "Pending", machineId: machine.id,
            computerDnsName: machine.computerDnsName, creationDateTimeUtc: now, lastUpdateDateTimeUtc: now,
            cancellationRequestor: nil, cancellationComment: nil, cancellationDateTimeUtc: nil, externalId: nil,
            errorHResult: 0, relatedFileInfo: nil)
        actions.append(action)
        reindex()
        return action
    }

    /// Adds or removes `tag` on each machine found among `keys`; returns the machines as updated.
    mutating func tag(_ keys: [String], _ tag: String, add: Bool) -> [SimMachine] {
        var updated: [SimMachine] = []
        for key in keys {
            guard let id = machine(idOrName: key)?.id, let index = machineIndex[id] else { continue }
            if add {
                if !machines[index].machineTags.contains(tag) { machines[index].machineTags.append(tag) }
            } else {
                machines[index].machineTags.removeAll { $0 == tag }
            }
            updated.append(machines[index])
        }
        return updated
    }

    /// Index of the machine with this id, for in-process scenario helpers.
    func index(ofMachine id: String) -> Int? { machineIndex[id.lowercased()] }
}
