import Foundation
import MDEAPI
import Testing

/// Microsoft's documentation samples decode into the fields the ledger reads.
@Suite struct FixtureDecodingTests {
    private func values(_ data: Data) throws -> [JSONValue] {
        try #require(JSONValue.parse(data)["value"]?.arrayValue)
    }

    @Test func machineListSample() throws {
        let machines = try values(FixtureFiles.corrected("machines-list.json")).map(Machine.init(json:))
        let machine = try #require(machines.first)
        #expect(machines.count == 1)
        #expect(machine.id == "1e5bc9d7e413ddd7902c2932e418702b84d0cc07")
        #expect(machine.computerDnsName == "mymachine1.contoso.com")
        #expect(machine.firstSeen == "2018-08-02T14:55:03Z")  // 7-digit fraction floored
        #expect(machine.lastSeen == "2018-08-02T14:55:03Z")
        #expect(machine.osPlatform == "Windows10")
        #expect(machine.osVersion == "1709")  // from `version`: the sample has no osVersion
        #expect(machine.healthStatus == "Active")
        #expect(machine.rbacGroupId == "140")  // a JSON number
        #expect(machine.rbacGroupName == "The-A-Team")
        #expect(machine.aadDeviceId == "80fe8ff8-2624-418e-9591-41f0491218f9")
        #expect(machine.machineTags == ["test tag 1", "test tag 2"])
        #expect(machine.onboardingStatus == nil)
        #expect(machine.isExcluded == nil)
        // Unknown fields stay in raw.
        #expect(machine.raw["osBuild"] == .int(18209))
        #expect(machine.raw["isAadJoined"] == .bool(true))
    }

    @Test func singleMachineSampleDropsODataAnnotationsOnlyInTheClient() throws {
        let json = try JSONValue.parse(FixtureFiles.corrected("machine-get.json"))
        let machine = try Machine(json: json)
        #expect(machine.id == "1e5bc9d7e413ddd7902c2932e418702b84d0cc07")
        #expect(machine.raw == json)  // Machine(json:) keeps exactly what it is given
    }

    @Test(arguments: [
        "odata-machines-riskscore-high.json", "odata-machines-healthstatus-ne-active.json",
        "odata-machines-lastseen-gt.json", "odata-machines-startswith.json",
    ])
    func odataMachineSamples(name: String) throws {
        let machine = try #require(try values(FixtureFiles.corrected(name)).map(Machine.init(json:)).first)
        #expect(machine.lastSeen == "2021-01-25T07:27:36Z")  // 6-digit fraction
        #expect(machine.osVersion == "1901")
        #expect(machine.rbacGroupId == nil)  // absent in these samples
        #expect(machine.machineTags == ["Tag1", "Tag2"])
        #expect(machine.raw["ipAddresses"]?.arrayValue?.count == 2)
        #expect(machine.raw["deviceValue"] == .string("Normal"))
    }

    @Test func legacyTagFilterSample() throws {
        let machine = try #require(
            try values(FixtureFiles.corrected("legacy-machines-filter-by-tag.json")).map(Machine.init(json:)).first)
        #expect(machine.machineTags == ["test tag 1", "ExampleTag"])
        #expect(machine.rbacGroupId == "140")
    }

    @Test func machineActionListAcceptsLastUpdateTimeUtc() throws {
        let actions = try values(FixtureFiles.published("machineactions-list.json")).map(MachineAction.init(json:))
        #expect(actions.map(\.type) == ["CollectInvestigationPackage", "RunAntiVirusScan", "StopAndQuarantineFile"])
        let first = actions[0]
        #expect(first.id == "69dc3630-1ccc-4342-acf3-35286eec741d")
        #expect(first.scope == nil)
        #expect(first.status == "Succeeded")
        #expect(first.machineId == "f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f")
        #expect(first.requestor == "Analyst@contoso.com")
        #expect(first.requestorComment == "test")
        #expect(first.creationDateTimeUtc == "2018-12-04T12:43:57Z")
        #expect(first.lastUpdateDateTimeUtc == "2018-12-04T12:45:25Z")  // spelled lastUpdateTimeUtc in the sample
        #expect(actions[1].scope == "Full")
        #expect(actions[2].raw["relatedFileInfo"]?["fileIdentifierType"] == .string("Sha1"))
    }

    @Test func filteredActionListSample() throws {
        let actions = try values(FixtureFiles.published("machineactions-list-filtered.json"))
            .map(MachineAction.init(json:))
        #expect(actions.count == 2)
        #expect(actions.allSatisfy { $0.machineId == "f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f" })
        #expect(actions[1].lastUpdateDateTimeUtc == "2018-12-04T12:18:57Z")
    }

    @Test func requestorAndTypeSample() throws {
        let action = try #require(
            try values(FixtureFiles.corrected("odata-machineactions-requestor-and-type.json"))
                .map(MachineAction.init(json:)).first)
        #expect(action.type == "RunAntiVirusScan")
        #expect(action.requestor == "Analyst@contoso.com")
    }

    @Test(arguments: ["machineaction-get.json", "machineaction-entity.json"])
    func singleActionSamples(name: String) throws {
        let action = try MachineAction(json: JSONValue.parse(FixtureFiles.published(name)))
        #expect(action.id == "5382f7ea-7557-4ab7-9782-d50480024a4e")
        #expect(action.type == "Isolate")
        #expect(action.scope == "Selective")
        #expect(action.machineId == "7b1f4967d9728e5aa3c06a9e617a22a4a5a17378")
        #expect(action.computerDnsName == "desktop-test")
        #expect(action.creationDateTimeUtc == "2019-01-02T14:39:38Z")
        #expect(action.lastUpdateDateTimeUtc == "2019-01-02T14:40:44Z")
        #expect(action.cancellationDateTimeUtc == nil)
    }

    @Test func liveResponseSampleKeepsCommands() throws {
        let action = try MachineAction(json: JSONValue.parse(FixtureFiles.published("liveresponse-response.json")))
        #expect(action.type == "LiveResponse")
        #expect(action.lastUpdateDateTimeUtc == "2021-02-04T15:36:52Z")
        #expect(action.raw["errorHResult"] == .int(0))
        #expect(action.raw["commands"]?.arrayValue?.count == 2)
    }

    @Test func errorSamplesHaveTheCommonShape() throws {
        let error = try JSONValue.parse(FixtureFiles.published("error-resourcenotfound.json"))["error"]
        #expect(error?["code"] == .string("ResourceNotFound"))
        #expect(error?["message"] == .string("Machine 123123123 was not found"))
        #expect(error?["target"] == .string("43f4cb08-8fac-4b65-9db1-745c2ae65f3a"))
    }

    @Test func tokenSample() throws {
        let token = try JSONValue.parse(FixtureFiles.published("token-response.json"))
        #expect(token["expires_in"]?.stringValue == "3599")
        #expect(token["token_type"] == .string("Bearer"))
    }

    /// The published originals of the corrected copies really are broken, and the parser says where.
    @Test(arguments: [
        ("machines-list.json", "at byte 380 "), ("machine-get.json", "at byte 314 "),
        ("odata-machines-startswith.json", "at byte 0 "), ("legacy-machines-filter-by-tag.json", "at byte 790 "),
    ])
    func brokenOriginalsAreRejected(name: String, place: String) throws {
        let error = try #require(throws: MDEDecodingError.self) { try JSONValue.parse(FixtureFiles.published(name)) }
        #expect(error.isSyntaxError)
        #expect(error.description.contains(place))
    }
}
