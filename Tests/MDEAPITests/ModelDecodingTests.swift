import Foundation
import MDEAPI
import Testing

/// Tolerant decoding beyond the documentation samples (mde-api.md §6, §7, §11).
@Suite struct ModelDecodingTests {
    @Test func machineWithLiveServiceFields() throws {
        let json = try JSONValue.parse(
            """
            {"id":"abc","rbacGroupId":"7","rbacGroupName":null,"machineTags":null,"osVersion":"22H2","version":"x",
             "onboardingStatus":"CanBeOnboarded","mergedIntoMachineId":"def","isExcluded":false,
             "lastSeen":"2026-11-02T08:13:41.1234567+00:00","newField":{"nested":[1]}}
            """)
        let machine = try Machine(json: json)
        #expect(machine.rbacGroupId == "7")
        #expect(machine.rbacGroupName == nil)
        #expect(machine.machineTags == [])
        #expect(machine.osVersion == "22H2")
        #expect(machine.onboardingStatus == "CanBeOnboarded")
        #expect(machine.mergedIntoMachineId == "def")
        #expect(machine.isExcluded == false)
        #expect(machine.lastSeen == "2026-11-02T08:13:41Z")
        #expect(machine.raw["newField"]?["nested"] == .array([.int(1)]))
    }

    @Test func osVersionFallsBackToVersionWhenNull() throws {
        let machine = try Machine(json: .object(["id": .string("a"), "osVersion": .null, "version": .string("1709")]))
        #expect(machine.osVersion == "1709")
    }

    @Test func machineErrorsSayWhatAndWhere() {
        let missing = #expect(throws: MDEDecodingError.self) { try Machine(json: .object(["x": .int(1)])) }
        #expect(missing?.description == "missing 'id'")
        let notObject = #expect(throws: MDEDecodingError.self) { try Machine(json: .array([])) }
        #expect(notObject?.description == "expected a machine object, found an array")
        let badDate = #expect(throws: MDEDecodingError.self) {
            try Machine(json: .object(["id": .string("m1"), "lastSeen": .string("yesterday")]))
        }
        #expect(badDate?.description == "machine m1: 'lastSeen' is not an ISO-8601 date-time with a zone: 'yesterday'")
        let badTags = #expect(throws: MDEDecodingError.self) {
            try Machine(json: .object(["id": .string("m1"), "machineTags": .array([.string("a"), .int(2)])]))
        }
        #expect(badTags?.description == "machine m1: 'machineTags[1]' is a number, expected a string")
        #expect(
            missing?.at("value[17]").at("page 3 of /api/machines").description
                == "page 3 of /api/machines: value[17]: missing 'id'")
    }

    @Test func actionWithNullMachineAndDocSpellings() throws {
        let json = try JSONValue.parse(
            """
            {"id":"6c4b2b4e-0000-4000-8000-000000000001","type":"Offboard","status":"Pending","machineId":null,
             "computerDnsName":null,"externalID":"ticket-7","requestSource":"PublicApi","title":"Offboard machine",
             "creationDateTimeUtc":"2026-11-02T08:13:41.1234567Z","lastUpdateTimeUtc":"2026-11-02T09:00:00Z",
             "cancellationDateTimeUtc":null,"type2":"SomethingNew"}
            """)
        let action = try MachineAction(json: json)
        #expect(action.machineId == nil)
        #expect(action.computerDnsName == nil)
        #expect(action.externalId == "ticket-7")
        #expect(action.requestSource == "PublicApi")
        #expect(action.title == "Offboard machine")
        #expect(action.lastUpdateDateTimeUtc == "2026-11-02T09:00:00Z")
        #expect(action.cancellationDateTimeUtc == nil)
        #expect(action.raw == json)
    }

    @Test func actionPrefersTheEntitySpellingOfLastUpdate() throws {
        let action = try MachineAction(
            json: .object([
                "id": .string("a"), "lastUpdateDateTimeUtc": .string("2026-01-02T00:00:00Z"),
                "lastUpdateTimeUtc": .string("2025-01-01T00:00:00Z"),
            ]))
        #expect(action.lastUpdateDateTimeUtc == "2026-01-02T00:00:00Z")
    }

    @Test func openEnumsAreKeptAsReceived() throws {
        let action = try MachineAction(
            json: .object(["id": .string("a"), "type": .string("BrandNewAction"), "status": .string("Queued")]))
        #expect(action.type == "BrandNewAction")
        #expect(action.status == "Queued")
    }
}
