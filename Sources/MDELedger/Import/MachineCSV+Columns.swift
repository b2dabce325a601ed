import Foundation
import MDEAPI

/// The portal export's columns and how each becomes an API field of a machine.
extension MachineCSV {
    /// How a cell's text becomes a JSON value.
    enum Conversion: Sendable {
        case text, date, integerOrText, tags, bool, exclusion
        /// UI spellings → API values, keyed by ``MachineCSV/key(_:)``; unknown values are kept as they are.
        case mapped([String: String?])
    }

    struct Column: Sendable {
        var field: String
        /// Header spellings, as ``MachineCSV/key(_:)`` normalises them, preferred first.
        var headers: [String]
        var conversion: Conversion
    }

    /// The accepted spellings of the required device id column, for the error that lists them.
    static let idHeaders = ["Device ID", "Machine ID", "DeviceId", "id"]
    static let idKeys = ["deviceid", "machineid", "id", "mdedeviceid"]

    static let columns: [Column] = [
        Column(
            field: "computerDnsName", headers: ["devicename", "computerdnsname", "name", "computername", "hostname"],
            conversion: .text),
        Column(
            field: "aadDeviceId", headers: ["aaddeviceid", "deviceaadid", "entradeviceid", "azureaddeviceid"],
            conversion: .text),
        Column(field: "firstSeen", headers: ["firstseen"], conversion: .date),
        Column(field: "lastSeen", headers: ["lastdeviceupdate", "lastseen"], conversion: .date),
        Column(field: "osPlatform", headers: ["osplatform"], conversion: .text),
        Column(field: "osVersion", headers: ["osversion"], conversion: .text),
        Column(field: "version", headers: ["windows10version", "windowsversion", "version"], conversion: .text),
        Column(field: "osBuild", headers: ["osbuild"], conversion: .integerOrText),
        Column(field: "osArchitecture", headers: ["osarchitecture"], conversion: .text),
        Column(
            field: "healthStatus", headers: ["healthstatus", "sensorhealthstate", "sensorhealth"],
            conversion: .mapped([
                "active": "Active", "inactive": "Inactive", "impairedcommunications": "ImpairedCommunication",
                "impairedcommunication": "ImpairedCommunication", "nosensordata": "NoSensorData",
                "nosensordataimpairedcommunications": "NoSensorDataImpairedCommunication",
                "nosensordataimpairedcommunication": "NoSensorDataImpairedCommunication", "unknown": "Unknown",
            ])),
        Column(
            field: "onboardingStatus", headers: ["onboardingstatus"],
            conversion: .mapped([
                "onboarded": "Onboarded", "canbeonboarded": "CanBeOnboarded", "unsupported": "Unsupported",
                "insufficientinfo": "InsufficientInfo",
            ])),
        Column(
            field: "rbacGroupName", headers: ["group", "devicegroup", "rbacgroupname", "machinegroup"],
            conversion: .text),
        Column(field: "rbacGroupId", headers: ["rbacgroupid", "groupid"], conversion: .integerOrText),
        Column(field: "machineTags", headers: ["tags", "machinetags", "devicetags"], conversion: .tags),
        Column(
            field: "riskScore", headers: ["risklevel", "riskscore"],
            conversion: .mapped([
                "noknownrisks": "None", "none": "None", "informational": "Informational", "low": "Low",
                "medium": "Medium", "high": "High", "nodataavailable": nil,
            ])),
        Column(
            field: "exposureLevel", headers: ["exposurelevel"],
            conversion: .mapped([
                "none": "None", "low": "Low", "medium": "Medium", "high": "High", "nodataavailable": nil,
            ])),
        Column(field: "deviceValue", headers: ["devicevalue", "assetvalue"], conversion: .text),
        Column(field: "isAadJoined", headers: ["isaadjoined", "aadjoined"], conversion: .bool),
        Column(field: "managedBy", headers: ["managedby"], conversion: .text),
        Column(field: "managedByStatus", headers: ["managedbystatus"], conversion: .text),
        Column(field: "isExcluded", headers: ["exclusionstate", "isexcluded", "excluded"], conversion: .exclusion),
        Column(field: "exclusionReason", headers: ["exclusionreason"], conversion: .text),
        Column(field: "mergedIntoMachineId", headers: ["mergedintomachineid", "mergedtodeviceid"], conversion: .text),
        Column(field: "lastIpAddress", headers: ["lastipaddress"], conversion: .text),
        Column(field: "lastExternalIpAddress", headers: ["lastexternalipaddress"], conversion: .text),
        Column(field: "agentVersion", headers: ["agentversion", "sensorversion", "clientversion"], conversion: .text),
        Column(field: "defenderAvStatus", headers: ["antivirusstatus", "defenderavstatus"], conversion: .text),
    ]

    /// A header or value reduced to lower-case letters and digits: `"Device ID"`, `"device_id"` → `deviceid`.
    /// A header's matching key: NFKC (full-width letters become ASCII), lower case, letters and digits only.
    /// Letters of every script are kept, so a localised header such as `デバイス ID` never shrinks to `id` and
    /// matches a column it does not name.
    static func key(_ text: String) -> String {
        String(
            text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars.filter {
                CharacterSet.alphanumerics.contains($0)
            })
    }

    /// Columns without which a row would wipe what the ledger knows of a device (its name and when it last
    /// reported): a file whose header lacks one is refused, never imported with the fields left out.
    static let requiredFields = ["computerDnsName", "lastSeen"]

    /// The JSON value of a non-empty cell; nil leaves the field out. Dates are converted by the caller.
    static func convert(_ text: String, _ conversion: Conversion) -> JSONValue? {
        switch conversion {
        case .text, .date: return .string(text)
        case .integerOrText: return Int64(text).map(JSONValue.int) ?? .string(text)
        case .tags: return .array(tags(text).map(JSONValue.string))
        case .bool:
            return ["true": true, "yes": true, "1": true, "false": false, "no": false, "0": false][key(text)]
                .map(JSONValue.bool)
        case .exclusion:
            return ["excluded": true, "notexcluded": false, "included": false][key(text)].map(JSONValue.bool)
        case .mapped(let table):
            guard let mapped = table[key(text)] else { return .string(text) }
            return mapped.map(JSONValue.string)
        }
    }

    /// Tags from a JSON array (`["a","b"]`) or a list separated by `;`, `,` or line breaks; trimmed, no repeats.
    static func tags(_ text: String) -> [String] {
        var parts: [String]
        if text.hasPrefix("["), let elements = (try? JSONValue.parse(text))?.arrayValue {
            parts = elements.compactMap(\.stringValue)
        } else {
            let separators: Set<Character> = text.contains(";") ? [";", "\n", "\r"] : [",", "\n", "\r"]
            parts = text.split(whereSeparator: { separators.contains($0) }).map(String.init)
        }
        var seen: Set<String> = []
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
