/// `GET /api/machines[/{id}]` and `GET /api/machineactions[/{id}]`.
extension MDESimulator {
    func listMachines(_ request: SimRequest, target: String) -> SimReply {
        list(
            request, target: target, entitySet: "Machines", schema: FilterSchemas.machines,
            properties: PropertySelection.machineProperties, items: \.machines
        ) { $0.write(to: &$1) }
    }

    func listActions(_ request: SimRequest, target: String) -> SimReply {
        list(
            request, target: target, entitySet: "MachineActions", schema: FilterSchemas.actions,
            properties: PropertySelection.actionProperties, items: \.actions
        ) { $0.write(to: &$1) }
    }

    func getMachine(_ key: String, _ request: SimRequest, target: String) -> SimReply {
        guard let machine = state.withLock({ $0.tenant.machine(idOrName: key) }) else {
            return .mdeError(404, "ResourceNotFound", "Machine \(key) was not found", target: target)
        }
        return entity(request, "Machines", FilterSchemas.machines.entity, PropertySelection.machineProperties, target) {
            machine.write(to: &$0, context: $1)
        }
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
        return entity(
            request, "MachineActions", FilterSchemas.actions.entity, PropertySelection.actionProperties, target
        ) { action.write(to: &$0, context: $1) }
    }

    /// One page of an entity set. Without `$top` the page is 10,000 items and, when more remain,
    /// `@odata.nextLink` repeats the request with the next `$skip`, as the real service does.
    private func list<T>(
        _ request: SimRequest, target: String, entitySet: String, schema: FilterSchema<T>, properties: [String],
        items: KeyPath<Tenant, [T]>, write: (T, inout JSONWriter) -> Void
    ) -> SimReply {
        let query: ListQuery
        let predicate: ((T) -> Bool)?
        let selection: PropertySelection?
        let ordering: ListOrdering<T>?
        do {
            query = try ListQuery.parse(request.query)
            predicate = try query.filter.map { filter throws(ODataError) in try schema.compile(filter) }
            selection = try query.select.map { names throws(ODataError) in
                try PropertySelection(names, properties: properties, entity: schema.entity)
            }
            ordering = query.orderBy.isEmpty ? nil : try ListOrdering(query.orderBy, schema: schema)
        } catch {
            return .mdeError(400, "ODataError", error.message, target: target)
        }
        let (page, total): ([T], Int)
        if let ordering {
            let all = state.withLock { $0.tenant[keyPath: items] }
            let matching = predicate.map { all.filter($0) } ?? all
            (page, total) = Tenant.page(ordering.sorted(matching), nil, skip: query.skip, top: query.pageSize)
        } else {
            (page, total) = state.withLock { state in
                Tenant.page(state.tenant[keyPath: items], predicate, skip: query.skip, top: query.pageSize)
            }
        }
        var w = JSONWriter(capacity: 256 + page.count * 1400)
        w.beginObject()
        w.field("@odata.context", "\(baseURL(request))/api/$metadata#\(selection?.contextName(entitySet) ?? entitySet)")
        if query.count { w.field("@odata.count", total) }
        w.key("value")
        w.beginArray()
        for item in page {
            if let selection {
                var scratch = JSONWriter()
                write(item, &scratch)
                w.raw(selection.keep(scratch.bytes))
            } else {
                write(item, &w)
            }
        }
        w.endArray()
        if query.top == nil, query.skip + page.count < total {
            w.field("@odata.nextLink", nextLink(request, skip: query.skip + page.count))
        }
        w.endObject()
        return .json(200, w)
    }

    /// One entity, with only the `$select`ed properties when the request names some.
    private func entity(
        _ request: SimRequest, _ entitySet: String, _ entity: String, _ properties: [String], _ target: String,
        write: (inout JSONWriter, String) -> Void
    ) -> SimReply {
        let selection: PropertySelection?
        do {
            selection = try ListQuery.parse(request.query).select.map { names throws(ODataError) in
                try PropertySelection(names, properties: properties, entity: entity)
            }
        } catch {
            return .mdeError(400, "ODataError", error.message, target: target)
        }
        var w = JSONWriter()
        let context = "\(baseURL(request))/api/$metadata#\(selection?.contextName(entitySet) ?? entitySet)/$entity"
        write(&w, context)
        guard let selection else { return .json(200, w) }
        var selected = JSONWriter()
        selected.raw(selection.keep(w.bytes))
        return .json(200, selected)
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
