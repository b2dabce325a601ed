/// `$select`: the properties of an entity a request asks for, resolved case-insensitively as MDE matches names,
/// and the filter that keeps only them in each written object (in the service's key order).
struct PropertySelection {
    /// The canonical names asked for, in the entity's order.
    let names: [String]

    static let machineProperties = [
        "id", "mergedIntoMachineId", "isPotentialDuplication", "isExcluded", "exclusionReason", "computerDnsName",
        "firstSeen", "lastSeen", "osPlatform", "osVersion", "osProcessor", "version", "lastIpAddress",
        "lastExternalIpAddress", "agentVersion", "osBuild", "healthStatus", "deviceValue", "rbacGroupId",
        "rbacGroupName", "riskScore", "exposureLevel", "isAadJoined", "aadDeviceId", "machineTags",
        "defenderAvStatus", "onboardingStatus", "osArchitecture", "managedBy", "managedByStatus", "ipAddresses",
        "vmMetadata",
    ]

    static let actionProperties = [
        "id", "type", "title", "requestor", "requestorComment", "status", "machineId", "computerDnsName",
        "creationDateTimeUtc", "lastUpdateDateTimeUtc", "cancellationRequestor", "cancellationComment",
        "cancellationDateTimeUtc", "errorHResult", "scope", "externalId", "requestSource", "relatedFileInfo",
        "commands", "troubleshootInfo",
    ]

    /// Resolves `requested` against `properties`; an unknown name is the service's 400 ODataError.
    init(_ requested: [String], properties: [String], entity: String) throws(ODataError) {
        var wanted = Set<String>()
        for name in requested {
            guard let match = properties.first(where: { $0.lowercased() == name.lowercased() }) else {
                throw ODataError(message: "Could not find a property named '\(name)' on type '\(entity)'.")
            }
            wanted.insert(match)
        }
        names = properties.filter(wanted.contains)
    }

    /// `Machines(id,lastSeen)`: the entity set as OData's `@odata.context` names it under `$select`.
    func contextName(_ entitySet: String) -> String { "\(entitySet)(\(names.joined(separator: ",")))" }

    /// The members of one written JSON object that are kept: `@odata.*` annotations and the selected properties.
    func keep(_ object: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for member in JSONMembers.split(object) where member.key.hasPrefix("@odata.") || names.contains(member.key) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out += object[member.range]
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}

/// Splits a JSON object the simulator wrote into its top-level members (`"key":value` byte ranges).
enum JSONMembers {
    static func split(_ bytes: [UInt8]) -> [(key: String, range: Range<Int>)] {
        var members: [(key: String, range: Range<Int>)] = []
        var i = 1  // after "{"
        while i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
            let start = i
            let keyEnd = endOfString(bytes, from: i)
            let key = String(decoding: bytes[(i + 1)..<(keyEnd - 1)], as: UTF8.self)
            i = keyEnd + 1  // past ":"
            var depth = 0
            while i < bytes.count {
                let byte = bytes[i]
                if byte == UInt8(ascii: "\"") {
                    i = endOfString(bytes, from: i)
                    continue
                }
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
                if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    if depth == 0 { break }
                    depth -= 1
                }
                if byte == UInt8(ascii: ","), depth == 0 { break }
                i += 1
            }
            members.append((key, start..<i))
            i += 1  // past "," (or "}")
        }
        return members
    }

    /// The index just past the string that starts at `start` (a `"`), skipping escapes.
    private static func endOfString(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start + 1
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
        }
        return i + 1
    }
}
