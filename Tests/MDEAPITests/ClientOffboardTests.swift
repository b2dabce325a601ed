import Foundation
import MDESimulator
import MDETestSupport
import Testing

@testable import AzureAccess
@testable import MDEAPI

/// `POST /api/machines/{id}/offboard` against the simulator: success, refusals, and the no-resend rule.
@Suite struct ClientOffboardTests {
    /// An onboarded Windows machine with no Offboard action yet.
    private func offboardable(_ client: MDEClient) async throws -> Machine {
        let offboarded = Set(
            try await collect(client.machineActions(filter: "type eq 'Offboard'")).flatMap(\.items)
                .compactMap(\.machineId))
        let machines = try await collect(client.machines()).flatMap(\.items)
        return try #require(
            machines.first {
                $0.osPlatform?.hasPrefix("Windows") == true && $0.onboardingStatus == "Onboarded"
                    && !offboarded.contains($0.id)
            })
    }

    @Test func offboardReturnsThePendingAction() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 100, port: 0)) { sim in
            let client = try sim.client()
            let machine = try await offboardable(client)
            let comment = #"Retired "laptop" – ticket #42 ünïcode"#
            let action = try await client.offboard(machineId: machine.id, comment: comment)
            #expect(action.type == "Offboard")
            #expect(action.status == "Pending")
            #expect(action.machineId == machine.id)
            #expect(action.requestorComment == comment)
            #expect(action.requestor == sim.simulator.configuration.clientId)
            #expect(action.raw["@odata.context"] == nil)
            // The filter quotes and spaces survive encoding, and the new action is listed.
            let listed = try await collect(
                client.machineActions(filter: "machineId eq '\(machine.id)' and type eq 'Offboard'")
            ).flatMap(\.items)
            #expect(listed == [action])
        }
    }

    @Test func aSecondOffboardIsRefusedWithoutRetry() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 100, port: 0)) { sim in
            let client = try sim.client()
            let machine = try await offboardable(client)
            _ = try await client.offboard(machineId: machine.id, comment: "first")
            let callsBefore = client.statistics().calls
            let error = await #expect(throws: MDEAPIError.self) {
                try await client.offboard(machineId: machine.id, comment: "second")
            }
            #expect(error?.status == 400)
            #expect(error?.message == "Action is already in progress")
            #expect(error?.method == "POST")
            #expect(error?.endpoint == "/api/machines/\(machine.id)/offboard")
            #expect(client.statistics().calls == callsBefore + 1)
        }
    }

    @Test func unsupportedPlatformIsReported() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 200, port: 0)) { sim in
            let client = try sim.client()
            let machines = try await collect(client.machines()).flatMap(\.items)
            let linux = try #require(
                machines.first { ["Linux", "macOS"].contains($0.osPlatform) && $0.onboardingStatus == "Onboarded" })
            let error = await #expect(throws: MDEAPIError.self) {
                try await client.offboard(machineId: linux.id, comment: "retire")
            }
            #expect(error?.status == 400)
            #expect(error?.code == "OsPlatformNotSupported")
        }
    }

    @Test func serverErrorsAreNotResent() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 100, port: 0)) { sim in
            let client = try sim.client()
            let machine = try await offboardable(client)
            sim.simulator.failRequest("POST /api/machines/{id}/offboard", with: .status(500))
            let error = await #expect(throws: MDEAPIError.self) {
                try await client.offboard(machineId: machine.id, comment: "retire")
            }
            #expect(error?.status == 500)
            #expect(error?.description.contains("check the machine's actions before sending it again") == true)
            #expect(sim.simulator.requestCount("POST /api/machines/{id}/offboard") == 1)
            #expect(client.statistics().retries == 0)
        }
    }

    @Test func throttledOffboardIsResent() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 100, port: 0)) { sim in
            let client = try sim.client()
            let machine = try await offboardable(client)
            sim.simulator.failRequest("POST /api/machines/{id}/offboard", with: .status(429))
            let action = try await client.offboard(machineId: machine.id, comment: "retire")
            #expect(action.status == "Pending")
            #expect(sim.simulator.requestCount("POST /api/machines/{id}/offboard", status: 429) == 1)
            #expect(sim.simulator.requestCount("POST /api/machines/{id}/offboard", status: 201) == 1)
            #expect(client.statistics().throttled == 1)
        }
    }

    @Test func unknownMachineIsA404() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 10, port: 0)) { sim in
            let error = await #expect(throws: MDEAPIError.self) {
                try await sim.client().offboard(machineId: "no-such-machine", comment: "retire")
            }
            #expect(error?.status == 404)
            #expect(error?.hint == "check the machine id")
        }
    }
}

/// Issue 17, defect 6: "already requested" is decided by the service's error code, never by its prose, which the
/// service may reword or translate.
@Suite struct AlreadyInProgressTests {
    @Test func theErrorCodeDecidesNotTheMessage() {
        let translated = MDEAPIError(
            status: 400, method: "POST", endpoint: "/api/machines/{id}/offboard", code: "ActiveRequestAlreadyExists",
            message: "Une action est déjà en cours")
        #expect(MDEClient.isAlreadyInProgress(translated))
        let otherRefusal = MDEAPIError(
            status: 400, method: "POST", endpoint: "/api/machines/{id}/offboard", code: "BadRequest",
            message: "Action is already in progress")
        #expect(!MDEClient.isAlreadyInProgress(otherRefusal), "a message alone is not the code")
    }
}
