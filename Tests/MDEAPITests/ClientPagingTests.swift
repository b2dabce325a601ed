import Foundation
import MDESimulator
import MDETestSupport
import Testing

@testable import AzureAccess
@testable import MDEAPI

/// Paging, filters and single gets against the real simulator on 127.0.0.1.
@Suite struct ClientPagingTests {
    @Test func pagesWithTopAndSkipUntilAShortPage() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 25_001, port: 0)) { sim in
            let client = try sim.client()
            let pages = try await collect(client.machines())
            #expect(pages.map(\.items.count) == [10_000, 10_000, 5_001])
            #expect(pages.map(\.index) == [1, 2, 3])
            #expect(pages.allSatisfy { $0.serverDate == sim.simulator.now() })
            let ids = pages.flatMap(\.items).map(\.id)
            #expect(Set(ids).count == 25_001)
            #expect(ids.count == sim.simulator.machineCount)
            #expect(sim.simulator.requestCount("GET /api/machines", status: 200) == 3)
            let statistics = client.statistics()
            #expect(statistics.calls == 3)
            #expect(statistics.tokenRequests == 1)
            #expect(statistics.retries == 0)
        }
    }

    @Test func exactMultipleOfThePageSizeEndsWithAnEmptyPage() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 200, port: 0)) { sim in
            let pages = try await collect(try sim.client().machines(pageSize: 100))
            #expect(pages.map(\.items.count) == [100, 100, 0])
        }
    }

    @Test func followsNextLinkWithoutTop() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 25_001, port: 0)) { sim in
            let client = try sim.client()
            let listing = MDEPages(
                client: client, path: "/api/machines", filter: nil, pageSize: 10_000, notFoundIsEmpty: true,
                sendsTop: false, decode: Machine.init(json:), id: \.id)
            let pages = try await collect(listing)
            #expect(pages.map(\.items.count) == [10_000, 10_000, 5_001])
            let viaTop = try await collect(client.machines()).flatMap(\.items)
            #expect(pages.flatMap(\.items) == viaTop)
        }
    }

    @Test(arguments: [
        "healthStatus eq 'Inactive'", "startswith(computerDnsName,'d')", "lastSeen gt 2026-11-01T12:00:00Z",
        "osPlatform eq 'Windows11' and onboardingStatus eq 'Onboarded'",
    ])
    func filtersAreEncodedAndApplied(filter: String) async throws {
        try await withSimulator(SimulatorConfiguration(devices: 300, port: 0)) { sim in
            let client = try sim.client()
            let all = try await collect(client.machines()).flatMap(\.items)
            let filtered = try await collect(client.machines(filter: filter, pageSize: 50)).flatMap(\.items)
            let expected = all.filter { machine in
                switch filter {
                case "healthStatus eq 'Inactive'": machine.healthStatus == "Inactive"
                case "startswith(computerDnsName,'d')": machine.computerDnsName?.lowercased().hasPrefix("d") == true
                case "lastSeen gt 2026-11-01T12:00:00Z": (machine.lastSeen ?? "") > "2026-11-01T12:00:00Z"
                default: machine.osPlatform == "Windows11" && machine.onboardingStatus == "Onboarded"
                }
            }
            #expect(!expected.isEmpty)
            #expect(filtered.map(\.id).sorted() == expected.map(\.id).sorted())
        }
    }

    @Test func listsMachineActions() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 300, port: 0)) { sim in
            let actions = try await collect(try sim.client().machineActions()).flatMap(\.items)
            #expect(actions.count == sim.simulator.actionCount)
            #expect(actions.allSatisfy { $0.lastUpdateDateTimeUtc != nil && $0.creationDateTimeUtc != nil })
            #expect(Set(actions.compactMap(\.status)).isSuperset(of: ["Pending", "Succeeded", "Failed"]))
        }
    }

    @Test func singleGetsMatchTheListedObjects() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 50, port: 0)) { sim in
            let client = try sim.client()
            let listed = try #require(try await collect(client.machines()).first?.items.last)
            let fetched = try await client.machine(id: listed.id)
            #expect(fetched == listed)  // raw included: @odata.context is dropped from single gets
            let action = try #require(try await collect(client.machineActions()).first?.items.first)
            #expect(try await client.machineAction(id: action.id) == action)
        }
    }

    @Test func unknownMachineIsA404WithTheServiceMessage() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 5, port: 0)) { sim in
            let error = await #expect(throws: MDEAPIError.self) {
                try await sim.client().machine(id: "0000000000000000000000000000000000000000")
            }
            #expect(error?.status == 404)
            #expect(error?.code == "ResourceNotFound")
            #expect(error?.endpoint == "/api/machines/0000000000000000000000000000000000000000")
            #expect(error?.description.hasSuffix("; check the machine id") == true)
        }
    }

    @Test func notFoundMachineListIsEmpty() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 5, port: 0)) { sim in
            sim.simulator.failRequest("GET /api/machines", with: .status(404))
            let pages = try await collect(try sim.client().machines())
            #expect(pages.count == 1)
            #expect(pages.first?.items.isEmpty == true)
            #expect(pages.first?.serverDate == sim.simulator.now())
        }
    }

    @Test func concurrentCallersShareOneToken() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 20, port: 0)) { sim in
            let ids = try await collect(sim.client().machines()).flatMap(\.items).map(\.id)
            let client = try sim.client()  // no token yet: ten callers arrive at once
            try await withThrowingTaskGroup(of: Machine.self) { group in
                for id in ids.prefix(10) { group.addTask { try await client.machine(id: id) } }
                for try await machine in group { #expect(ids.contains(machine.id)) }
            }
            #expect(client.statistics().tokenRequests == 1)
            // One call per caller; on a loaded machine a connection may be dropped and sent again (a retry).
            #expect(client.statistics().calls - client.statistics().retries == 10)
            #expect(sim.simulator.requestCount(sim.tokenRoute) == 2)
        }
    }
}
