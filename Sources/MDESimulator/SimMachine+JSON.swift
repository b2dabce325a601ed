extension SimMachine {
    /// Writes the machine as MDE does, including its undocumented fields, in the real service's key order.
    /// - Parameter context: the `@odata.context` annotation a single-entity response starts with.
    func write(to w: inout JSONWriter, context: String? = nil) {
        w.beginObject()
        if let context { w.field("@odata.context", context) }
        w.field("id", id)
        w.field("mergedIntoMachineId", mergedIntoMachineId)
        w.field("isPotentialDuplication", isPotentialDuplication)
        w.field("isExcluded", isExcluded)
        w.field("exclusionReason", exclusionReason)
        w.field("computerDnsName", computerDnsName)
        w.field("firstSeen", time: firstSeen)
        w.field("lastSeen", time: lastSeen)
        w.field("osPlatform", osPlatform)
        w.field("osVersion", osVersion)
        w.field("osProcessor", osProcessor)
        w.field("version", version)
        w.field("lastIpAddress", lastIpAddress)
        w.field("lastExternalIpAddress", lastExternalIpAddress)
        w.field("agentVersion", agentVersion)
        w.field("osBuild", osBuild)
        w.field("healthStatus", healthStatus)
        w.field("deviceValue", deviceValue)
        w.field("rbacGroupId", rbacGroupId)  // a JSON number, though documented as a string
        w.field("rbacGroupName", rbacGroupName)
        w.field("riskScore", riskScore)
        w.field("exposureLevel", exposureLevel)
        w.field("isAadJoined", isAadJoined)
        w.field("aadDeviceId", aadDeviceId)
        w.field("machineTags", strings: machineTags)
        w.field("defenderAvStatus", defenderAvStatus)
        w.field("onboardingStatus", onboardingStatus)
        w.field("osArchitecture", osArchitecture)
        w.field("managedBy", managedBy)
        w.field("managedByStatus", managedByStatus)
        w.key("ipAddresses")
        w.beginArray()
        for ip in ipAddresses {
            w.beginObject()
            w.field("ipAddress", ip.ipAddress)
            w.field("macAddress", ip.macAddress)
            w.field("type", ip.type)
            w.field("operationalStatus", ip.operationalStatus)
            w.endObject()
        }
        w.endArray()
        w.key("vmMetadata")
        if let vm = vmMetadata {
            w.beginObject()
            w.field("vmId", vm.vmId)
            w.field("cloudProvider", vm.cloudProvider)
            w.field("resourceId", vm.resourceId)
            w.field("subscriptionId", vm.subscriptionId)
            w.endObject()
        } else {
            w.null()
        }
        w.endObject()
    }
}
