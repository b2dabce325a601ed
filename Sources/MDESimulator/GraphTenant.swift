/// The Microsoft Graph side of the simulated tenant: Intune managed devices, Entra devices, users, licences and
/// Intune audit events, derived once from the MDE machines the simulator starts with and living on the same
/// virtual clock.
///
/// Everything here is a plan fixed at generation (who gets retired when, which Entra objects get deleted) and
/// every listing is a pure function of that plan and "now": advancing the clock in small steps or one jump gives
/// the same answers, and the MDE side is never touched — a device retired in Intune keeps its MDE telemetry,
/// the case the ledger exists for.
///
/// Joins, as in a real tenant: Intune `azureADDeviceId` = Entra `deviceId` = MDE `aadDeviceId`. The old entity of
/// a re-imaged device (MDE `isPotentialDuplication` or `mergedIntoMachineId`) gets no Intune device of its own:
/// the physical device is the one Intune device of its successor. Its own Entra object was deleted at the
/// re-image (MDE gave it its own `aadDeviceId`), so it is absent from `/devices` too.
struct GraphTenant: Sendable {
    struct User: Sendable {
        var id: String
        var userPrincipalName: String
        var displayName: String
        var accountEnabled: Bool
        /// `skuId`s assigned to the user.
        var skuIds: [String]
    }

    enum ActionKind: String, Sendable { case retire, wipe, delete }

    /// A remote action taken in Intune on one device.
    struct IntuneAction: Sendable {
        var kind: ActionKind
        var at: SimTime
        var actor: Int
        /// Days after `at` that a completed retire or wipe leaves the list.
        var leavesAfterDays: Int
        /// A retire or wipe that never completes (`retireFailed` / `wipeFailed`): the device stays listed.
        var fails: Bool
        var auditEventId: String
    }

    struct IntuneDevice: Sendable {
        var id: String
        var machineId: String
        var deviceName: String
        /// nil: not registered in Entra (Intune then prints the zero GUID).
        var azureADDeviceId: String?
        var operatingSystem: String
        var osVersion: String
        var enrolled: SimTime
        var syncTimeOfDay: Int64
        /// The device stops checking in (it went silent in MDE too); nil: it keeps syncing.
        var syncsUntil: SimTime?
        var user: Int?
        var ownerType: String
        var complianceState: String
        var action: IntuneAction?
    }

    struct EntraDevice: Sendable {
        var id: String
        var deviceId: String
        var displayName: String
        var operatingSystem: String
        var operatingSystemVersion: String
        var trustType: String
        var registered: SimTime
        var signInOffsetDays: Int
        var signsInUntil: SimTime?
        var disabledAt: SimTime?
        var deletedAt: SimTime?
    }

    struct Sku: Sendable {
        var skuId: String
        var skuPartNumber: String
        var servicePlans: [(name: String, id: String)]
        var prepaidEnabled: Int
        var appliesTo: String
    }

    static let zeroGUID = "00000000-0000-0000-0000-000000000000"
    static let domain = "contoso.example"

    var users: [User] = []
    /// Intune administrators who retire and wipe devices (actors of the audit events).
    var admins: [User] = []
    var intune: [IntuneDevice] = []
    var entra: [EntraDevice] = []
    var skus: [Sku] = []

    /// The licences a tenant of this simulator holds. Part numbers and service plan names as Microsoft's
    /// "Product names and service plan identifiers for licensing" list spells them (see docs/simulator.md, Graph):
    /// `WINDEFATP` is Defender for Endpoint P2's plan, `MDE_LITE` P1's, `MDE_SMB` Defender for Business's.
    static func catalogue(clients: Int, servers: Int) -> [Sku] {
        let wdatp = ("WINDEFATP", "871d91ec-ec1a-452b-a83f-bd76c7d770ef")
        let lite = ("MDE_LITE", "292cc034-7b7c-4950-aaf5-943befd3f1d4")
        let smb = ("MDE_SMB", "bfc1bbd9-981b-4f71-9b82-17c35fd0e2a4")
        let intune = ("INTUNE_A", "c1ec4a95-1f05-45b3-a911-aa3fa01094f5")
        let exchange = ("EXCHANGE_S_ENTERPRISE", "efb87545-963c-4e0d-99df-69c6916d9eb0")
        let aadP1 = ("AAD_PREMIUM", "41781fb2-bc02-4b7c-bd55-b576c07bb09d")
        let flow = ("FLOW_P2_VIRAL", "50e68c76-46c6-4674-81f9-75456511b170")
        return [
            Sku(
                skuId: "06ebc4ee-1bb5-47dd-8120-11324bc54e06", skuPartNumber: "SPE_E5",
                servicePlans: [exchange, intune, aadP1, wdatp], prepaidEnabled: max(1, clients * 6 / 10),
                appliesTo: "User"),
            Sku(
                skuId: "05e9a617-0261-4cee-bb44-138d3ef5d965", skuPartNumber: "SPE_E3",
                servicePlans: [exchange, intune, aadP1, lite], prepaidEnabled: max(1, clients / 4), appliesTo: "User"),
            Sku(
                skuId: "16a55f2f-ff35-4cd5-9146-fb784e3761a5", skuPartNumber: "DEFENDER_ENDPOINT_P1",
                servicePlans: [lite], prepaidEnabled: 10, appliesTo: "User"),
            Sku(
                skuId: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", skuPartNumber: "SPB",
                servicePlans: [exchange, intune, aadP1, smb], prepaidEnabled: 5, appliesTo: "User"),
            Sku(
                skuId: "509e8ab6-0274-4cda-bcbd-bd164fd562c4", skuPartNumber: "MDATP_Server",
                servicePlans: [wdatp], prepaidEnabled: max(1, servers), appliesTo: "Company"),
            Sku(
                skuId: "f30db892-07e9-47e9-837c-80727f46fd3d", skuPartNumber: "FLOW_FREE", servicePlans: [flow],
                prepaidEnabled: 10_000, appliesTo: "User"),
        ]
    }

    init(machines: [SimMachine], seed: UInt64, now: SimTime) {
        var rng = SplitMix64(seed: seed).fork(11)
        let serverCount = machines.filter { $0.osPlatform.hasPrefix("WindowsServer") || $0.osPlatform == "Linux" }
            .count
        let managed = machines.filter {
            $0.managedBy == "Intune" && $0.mergedIntoMachineId == nil && !$0.isPotentialDuplication
        }
        skus = Self.catalogue(clients: managed.count, servers: serverCount)
        makeUsers(count: max(5, managed.count * 2 / 3), &rng)
        for index in 0..<3 {
            admins.append(
                User(
                    id: rng.guid(), userPrincipalName: "intune-admin\(index + 1)@\(Self.domain)",
                    displayName: "Intune Admin \(index + 1)", accountEnabled: true, skuIds: []))
        }
        // Machines by id order, as MDE lists them; each plan draws from its own sub-stream.
        var intuneRNG = rng.fork(1)
        for machine in managed { intune.append(makeIntuneDevice(machine, now: now, &intuneRNG)) }
        var entraRNG = rng.fork(2)
        let retiredAt = Dictionary(
            intune.compactMap { d in d.azureADDeviceId.flatMap { id in d.action.map { (id, $0.at) } } },
            uniquingKeysWith: { a, _ in a })
        for machine in machines {
            guard let deviceId = machine.aadDeviceId else { continue }
            entra.append(makeEntraDevice(machine, deviceId: deviceId, retiredAt: retiredAt[deviceId], now, &entraRNG))
        }
        intune.sort { $0.id < $1.id }
        entra.sort { $0.id < $1.id }
    }

    private mutating func makeUsers(count: Int, _ rng: inout SplitMix64) {
        let given = ["Ava", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jon", "Kai", "Lena"]
        let family = ["Adams", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jones"]
        let licences = skus.filter { $0.appliesTo == "User" && $0.skuPartNumber != "FLOW_FREE" }
        var assigned = [String: Int]()
        for index in 0..<count {
            let number = String(index + 1)
            let upn = "user" + String(repeating: "0", count: max(0, 4 - number.count)) + number + "@\(Self.domain)"
            // Most users hold one Defender-bearing licence; some none; a few a free one besides.
            var skuIds: [String] = []
            let draw = rng.unit()
            let wanted: Sku? =
                draw < 0.6
                ? licences[0]
                : draw < 0.85
                    ? licences[1]
                    : draw < 0.9
                        ? licences[2]
                        : draw < 0.93
                            ? licences[3] : nil
            if let wanted, assigned[wanted.skuId, default: 0] < wanted.prepaidEnabled {
                skuIds.append(wanted.skuId)
                assigned[wanted.skuId, default: 0] += 1
            }
            if rng.chance(0.1) { skuIds.append(skus[5].skuId) }
            users.append(
                User(
                    id: rng.guid(), userPrincipalName: upn,
                    displayName: "\(rng.pick(given)) \(rng.pick(family))", accountEnabled: !rng.chance(0.04),
                    skuIds: skuIds))
        }
    }

    private func makeIntuneDevice(_ machine: SimMachine, now: SimTime, _ rng: inout SplitMix64) -> IntuneDevice {
        let windows = machine.osPlatform.hasPrefix("Windows")
        let label = machine.computerDnsName.split(separator: ".").first.map(String.init) ?? machine.computerDnsName
        let os: String
        switch machine.osPlatform {
        case let p where p.hasPrefix("Windows"): os = "Windows"
        case "iOS": os = "iOS"
        case "Android": os = "Android"
        default: os = "macOS"
        }
        let osVersion =
            windows
            ? "10.0.\(machine.osBuild ?? 19045).\(1000 + rng.below(4000))"
            : machine.osVersion ?? machine.version
                ?? "1.0"
        let mobile = os == "iOS" || os == "Android"
        var action: IntuneAction?
        // About one device in ten is retired, wiped or deleted in Intune, from 45 days before the start to 240
        // days after — only devices still reporting to MDE, so the retirement is the interesting kind.
        let reporting = machine.isOnboarded && machine.reports(at: now)
        if reporting, rng.chance(0.1) {
            let kind = rng.weighted([(ActionKind.retire, 7), (.wipe, 2), (.delete, 1)])
            action = IntuneAction(
                kind: kind, at: Self.wholeSecond(now + SimTime.days(-45 + rng.unit() * 285)), actor: rng.below(3),
                leavesAfterDays: 3 + rng.below(12), fails: kind != .delete && rng.chance(0.1), auditEventId: rng.guid())
        }
        let hasUser = !rng.chance(mobile ? 0.02 : 0.12)
        return IntuneDevice(
            id: rng.guid(), machineId: machine.id, deviceName: windows ? label.uppercased() : label,
            azureADDeviceId: machine.aadDeviceId, operatingSystem: os, osVersion: osVersion,
            enrolled: machine.firstSeen - SimTime.days(rng.unit() * 2),
            syncTimeOfDay: Int64(rng.below(Int(SimTime.ticksPerDay))),
            syncsUntil: machine.silentFrom, user: hasUser ? rng.below(users.count) : nil,
            ownerType: mobile && rng.chance(0.4) ? "personal" : "company",
            complianceState: rng.weighted([
                ("compliant", 85), ("noncompliant", 10), ("inGracePeriod", 3), ("unknown", 2),
            ]),
            action: action)
    }

    /// Graph prints whole seconds; keeping them whole makes `activityDateTime gt <a printed time>` exact.
    static func wholeSecond(_ t: SimTime) -> SimTime {
        SimTime(ticks: t.ticks - ((t.ticks % SimTime.ticksPerSecond) + SimTime.ticksPerSecond) % SimTime.ticksPerSecond)
    }

    private func makeEntraDevice(
        _ machine: SimMachine, deviceId: String, retiredAt: SimTime?, _ now: SimTime, _ rng: inout SplitMix64
    ) -> EntraDevice {
        let label = machine.computerDnsName.split(separator: ".").first.map(String.init) ?? machine.computerDnsName
        let windows = machine.osPlatform.hasPrefix("Windows")
        let oldTwin = machine.mergedIntoMachineId != nil || machine.isPotentialDuplication
        var deletedAt: SimTime?
        var disabledAt: SimTime?
        if oldTwin {
            // Re-imaged: the old registration was removed when the device re-joined.
            deletedAt = machine.lastSeen + SimTime.days(1)
        } else if rng.chance(0.04) {
            // Deleted from Entra (before the start, or later) while the device keeps reporting to MDE.
            deletedAt = now + SimTime.days(-60 + rng.unit() * 200)
        } else if rng.chance(0.05) {
            disabledAt = now + SimTime.days(-60 + rng.unit() * 200)
        } else if let retiredAt, rng.chance(0.5) {
            disabledAt = retiredAt + SimTime.days(1 + rng.unit() * 3)
        }
        let os: String
        switch machine.osPlatform {
        case let p where p.hasPrefix("Windows"): os = "Windows"
        case "iOS", "Android", "Linux": os = machine.osPlatform
        default: os = "MacMDM"
        }
        let trust =
            windows
            ? (machine.osPlatform.hasPrefix("WindowsServer") || rng.chance(0.4) ? "ServerAd" : "AzureAd") : "Workplace"
        return EntraDevice(
            id: rng.guid(), deviceId: deviceId, displayName: windows ? label.uppercased() : label, operatingSystem: os,
            operatingSystemVersion: machine.osVersion ?? machine.version ?? "", trustType: trust,
            registered: machine.firstSeen - SimTime.days(rng.unit()), signInOffsetDays: rng.below(14),
            signsInUntil: machine.silentFrom, disabledAt: disabledAt, deletedAt: deletedAt)
    }
}

// MARK: - State at a given time

extension GraphTenant.IntuneDevice {
    /// Listed at `now`: not deleted, and not yet gone after a completed retire or wipe.
    func isListed(at now: SimTime) -> Bool {
        guard let action, action.at <= now else { return true }
        switch action.kind {
        case .delete: return false
        case .retire, .wipe:
            return action.fails || now < action.at + SimTime.days(Double(action.leavesAfterDays))
        }
    }

    /// Beta's `managementState` at `now`.
    func managementState(at now: SimTime) -> String {
        guard let action, action.at <= now else { return "managed" }
        let issued = now >= action.at + SimTime.days(1)
        switch (action.kind, issued, action.fails) {
        case (.retire, false, _): return "retirePending"
        case (.retire, true, true): return "retireFailed"
        case (.retire, true, false): return "retireIssued"
        case (.wipe, false, _): return "wipePending"
        case (.wipe, true, true): return "wipeFailed"
        case (.wipe, true, false): return "wipeIssued"
        case (.delete, _, _): return "deletePending"
        }
    }

    /// The last completed Intune sync at or before `now`: daily, until the device went silent or its retire or wipe
    /// went through.
    func lastSync(at now: SimTime) -> SimTime {
        var until = now
        if let syncsUntil { until = min(until, syncsUntil - 1) }
        if let action, !action.fails, action.kind != .delete { until = min(until, action.at + SimTime.days(1)) }
        return max(enrolled, SimTime.lastCheckIn(before: until, timeOfDay: syncTimeOfDay))
    }
}

extension GraphTenant.EntraDevice {
    func isListed(at now: SimTime) -> Bool { deletedAt.map { now < $0 } ?? true }
    func accountEnabled(at now: SimTime) -> Bool { disabledAt.map { now < $0 } ?? true }

    /// Entra moves it only when the stored value is older than 14 days: a 14-day grid, offset per device.
    func approximateLastSignIn(at now: SimTime) -> SimTime {
        let until = signsInUntil.map { min(now, $0 - 1) } ?? now
        let step = SimTime.days(14)
        let origin = registered.ticks + SimTime.days(Double(signInOffsetDays))
        guard until.ticks > origin else { return registered }
        return SimTime(ticks: origin + (until.ticks - origin) / step * step)
    }
}
