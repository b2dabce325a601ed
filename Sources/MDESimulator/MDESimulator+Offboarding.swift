/// What offboarding tests need from the simulator: offboard requests counted per machine, `findbytag`, and a
/// device whose platform changes after a sync.
extension MDESimulator {
    /// Offboard requests that reached the service, by machine id (or name, as requested), lower-cased. Requests
    /// refused before the handler (no token, 429) are not counted; every other one is, whatever it answered.
    public func offboardRequestCounts() -> [String: Int] {
        state.withLock { $0.offboardRequests }
    }

    /// Changes a device's `osPlatform` (e.g. to `macOS`), as a re-imaged device would report it.
    /// - Returns: false if no listed machine has this id.
    @discardableResult
    public func setOSPlatform(_ id: String, _ platform: String) -> Bool {
        state.withLock { state in
            guard let index = state.tenant.index(ofMachine: id) else { return false }
            state.tenant.machines[index].osPlatform = platform
            return true
        }
    }

    /// Renames a device, as a re-imaged or renamed device reports its new name (names can carry any characters),
    /// and with `aadDeviceId` gives it a new Entra device id, as a device joined anew.
    /// - Returns: false if no listed machine has this id.
    @discardableResult
    public func setComputerDnsName(_ id: String, _ name: String, aadDeviceId: String? = nil) -> Bool {
        state.withLock { state in
            guard let index = state.tenant.index(ofMachine: id) else { return false }
            state.tenant.machines[index].computerDnsName = name
            if let aadDeviceId { state.tenant.machines[index].aadDeviceId = aadDeviceId }
            state.tenant.reindex()
            return true
        }
    }

    /// An Offboard action requested by someone else (another admin in the portal): Pending, with their comment.
    /// - Returns: the action's id, or nil if the service would refuse it (unknown, unsupported, already open).
    @discardableResult
    public func requestOffboard(_ id: String, comment: String, requestor: String) -> String? {
        state.withLock { state in try? state.tenant.offboard(id, comment: comment, requestor: requestor).id }
    }

    /// Cancels an open machine action as a person in the portal does.
    /// - Returns: false if no action has this id.
    @discardableResult
    public func cancelAction(_ actionId: String, requestor: String, comment: String) -> Bool {
        state.withLock { state in
            guard let index = state.tenant.actions.firstIndex(where: { $0.id == actionId }) else { return false }
            let now = state.tenant.now
            state.tenant.actions[index].status = "Cancelled"
            state.tenant.actions[index].cancellationRequestor = requestor
            state.tenant.actions[index].cancellationComment = comment
            state.tenant.actions[index].cancellationDateTimeUtc = now
            state.tenant.actions[index].lastUpdateDateTimeUtc = now
            state.tenant.reindex()
            return true
        }
    }

    func countOffboardRequest(_ key: String) {
        state.withLock { $0.offboardRequests[key.lowercased(), default: 0] += 1 }
    }

    /// `"offboards":{"<id>":1,…}` for `/_sim/stats`, ids sorted.
    func writeOffboardCounts(to w: inout JSONWriter) {
        w.key("offboards")
        w.beginObject()
        for (id, count) in offboardRequestCounts().sorted(by: { $0.key < $1.key }) { w.field(id, count) }
        w.endObject()
    }

    /// `GET /api/machines/findbytag?tag=…&useStartsWithFilter=true|false`: the machines carrying the tag
    /// (case-insensitive), or a tag starting with it.
    func findByTag(_ request: SimRequest, target: String) -> SimReply {
        guard let tag = request.queryValue("tag"), !tag.isEmpty else {
            return .mdeError(400, "MissingRequiredParameter", "tag is required.", target: target)
        }
        let startsWith = request.queryValue("useStartsWithFilter")?.lowercased() == "true"
        let wanted = tag.lowercased()
        let machines = state.withLock { state in
            state.tenant.machines.filter { machine in
                machine.machineTags.contains {
                    startsWith ? $0.lowercased().hasPrefix(wanted) : $0.lowercased() == wanted
                }
            }
        }
        var w = JSONWriter(capacity: 256 + machines.count * 1400)
        w.beginObject()
        w.field("@odata.context", "\(baseURL(request))/api/$metadata#Machines")
        w.key("value")
        w.beginArray()
        for machine in machines { machine.write(to: &w) }
        w.endArray()
        w.endObject()
        return .json(200, w)
    }
}
