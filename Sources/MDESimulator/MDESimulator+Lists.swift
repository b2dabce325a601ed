/// `GET /api/machines[/{id}]` and `GET /api/machineactions[/{id}]`.
extension MDESimulator {
    func listMachines(_ request: SimRequest, target: String) -> SimReply {
        list(request, target: target, entitySet: "Machines", schema: FilterSchemas.machines, items: \.machines) {
            $0.write(to: &$1)
        }
    }

    func listActions(_ request: SimRequest, target: String) -> SimReply {
        list(request, target: target, entitySet: "MachineActions", schema: FilterSchemas.actions, items: \.actions) {
            $0.write(to: &$1)
        }
    }

    func getMachine(_ key: String, _ request: SimRequest, target: String) -> SimReply {
        guard let machine = state.withLock({ $0.tenant.machine(idOrName: key) }) else {
            return .mdeError(404, "ResourceNotFound", "Machine \(key) was not found", target: target)
        }
        return entity(request, "Machines") { machine.write(to: &$0, context: $1) }
    }

    func getAction(_ id: String, _ request: SimRequest, target: String) -> SimReply {
        guard UUIDText.isGUID(id) else {
            return .mdeError(
                400, "BadRequest",
                "The key value (\(id)) from request is not valid. The key value should be format of type 'Edm.Guid'.",
                target: target)
        }
        guard let action = state.withLock({ $0.tenant.action(id: id) }) else {
            return .mdeError(404, "ResourceNotFound", "Machine action \(id) was not found", target: target)
        }
        return entity(request, "MachineActions") { action.write(to: &$0, context: $1) }
    }

    /// One page of an entity set. Without `$top` the page is 10,000 items and, when more remain,
    /// `@odata.nextLink` repeats the request with the next `$skip`, as the real service does.
    private func list<T>(
        _ request: SimRequest, target: String, entitySet: String, schema: FilterSchema<T>,
        items: KeyPath<Tenant, [T]>, write: (T, inout JSONWriter) -> Void
    ) -> SimReply {
        let query: ListQuery
        let predicate: ((T) -> Bool)?
        do {
            query = try ListQuery.parse(request.query)
            predicate = try query.filter.map { filter throws(ODataError) in try schema.compile(filter) }
        } catch {
            return .mdeError(400, "ODataError", error.message, target: target)
        }
        let (page, total) = state.withLock { state in
            Tenant.page(state.tenant[keyPath: items], predicate, skip: query.skip, top: query.pageSize)
        }
        var w = JSONWriter(capacity: 256 + page.count * 1400)
        w.beginObject()
        w.field("@odata.context", "\(baseURL(request))/api/$metadata#\(entitySet)")
        w.key("value")
        w.beginArray()
        for item in page { write(item, &w) }
        w.endArray()
        if query.top == nil, query.skip + page.count < total {
            w.field("@odata.nextLink", nextLink(request, skip: query.skip + page.count))
        }
        w.endObject()
        return .json(200, w)
    }

    private func entity(_ request: SimRequest, _ entitySet: String, write: (inout JSONWriter, String) -> Void)
        -> SimReply
    {
        var w = JSONWriter()
        write(&w, "\(baseURL(request))/api/$metadata#\(entitySet)/$entity")
        return .json(200, w)
    }

    /// `http://<host the client called>`; `@odata.context` follows the host called.
    func baseURL(_ request: SimRequest) -> String {
        if let host = request.host, !host.isEmpty { return "http://\(host)" }
        return "http://\(configuration.host):\(boundPort ?? configuration.port)"
    }

    /// The same URL with `$skip` replaced.
    private func nextLink(_ request: SimRequest, skip: Int) -> String {
        var parts = request.rawQuery.split(separator: "&").map(String.init).filter {
            FormDecoding.decode(Substring($0.split(separator: "=", maxSplits: 1).first ?? "")).lowercased() != "$skip"
        }
        parts.append("$skip=\(skip)")
        return "\(baseURL(request))\(request.path)?\(parts.joined(separator: "&"))"
    }
}

enum UUIDText {
    /// True for the 8-4-4-4-12 hex form (any case).
    static func isGUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
