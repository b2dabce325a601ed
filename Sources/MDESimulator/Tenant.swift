/// The simulated tenant: its machines (ordered by id), machine actions (ordered by creation) and virtual clock.
struct Tenant: Sendable {
    var now: SimTime
    var machines: [SimMachine]
    var actions: [SimMachineAction]
    private(set) var machineIndex: [String: Int] = [:]
    private(set) var actionIndex: [String: Int] = [:]
    /// Days without a report after which a device leaves the list.
    let retention: Int64
    /// Ids of actions created while the simulator runs.
    var rng: SplitMix64

    init(_ configuration: SimulatorConfiguration) {
        now = SimTime(configuration.start)
        retention = SimTime.days(Double(configuration.retentionDays))
        rng = SplitMix64(seed: configuration.seed).fork(4)
        (machines, actions) = TenantGenerator(
            seed: configuration.seed, count: configuration.devices, now: now,
            reonboardFraction: configuration.reonboardFraction
        ).generate()
        reindex()
    }

    mutating func reindex() {
        machineIndex = Dictionary(uniqueKeysWithValues: machines.enumerated().map { ($1.id, $0) })
        actionIndex = Dictionary(uniqueKeysWithValues: actions.enumerated().map { ($1.id.lowercased(), $0) })
    }

    /// A machine by its id or, as MDE allows, by its computer name (the most recently seen one wins, since
    /// a re-imaged device leaves an older entity with the same name).
    func machine(idOrName key: String) -> SimMachine? {
        if let index = machineIndex[key.lowercased()] { return machines[index] }
        let name = key.lowercased()
        return machines.filter { $0.computerDnsName.lowercased() == name }.max { $0.lastSeen < $1.lastSeen }
    }

    func action(id: String) -> SimMachineAction? {
        actionIndex[id.lowercased()].map { actions[$0] }
    }

    /// The page of `items` matching `query`, plus the total number of matches.
    static func page<T>(_ items: [T], _ predicate: ((T) -> Bool)?, skip: Int, top: Int) -> (page: [T], total: Int) {
        guard let predicate else {
            let start = min(skip, items.count)
            return (Array(items[start..<min(items.count, start + top)]), items.count)
        }
        var page: [T] = []
        var seen = 0
        for item in items where predicate(item) {
            if seen >= skip, page.count < top { page.append(item) }
            seen += 1
        }
        return (page, seen)
    }
}
