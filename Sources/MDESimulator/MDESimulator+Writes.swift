import Foundation

/// `POST /api/machines/{id}/offboard`, `POST /api/machines/{id}/tags` and
/// `POST /api/machines/AddOrRemoveTagForMultipleMachines`. Body parameters are case-sensitive, as in MDE.
extension MDESimulator {
    static let maxMachinesPerTagCall = 500

    /// A request refused with the reply to send.
    struct Rejection: Error {
        var reply: SimReply
        init(_ status: Int, _ code: String, _ message: String, target: String) {
            reply = .mdeError(status, code, message, target: target)
        }
    }

    func offboard(_ key: String, _ request: SimRequest, client: String, target: String) -> SimReply {
        countOffboardRequest(key)
        let comment: String
        do throws(Rejection) {
            comment = try string("Comment", in: try jsonBody(request, target: target), target: target)
        } catch {
            return error.reply
        }
        let result = state.withLock { state in
            Result { () throws(Tenant.WriteError) in
                try state.tenant.offboard(key, comment: comment, requestor: client)
            }
        }
        switch result {
        case .success(let action):
            var w = JSONWriter()
            action.write(to: &w, context: "\(baseURL(request))/api/$metadata#MachineActions/$entity")
            return .json(201, w)
        case .failure(.machineNotFound):
            return .mdeError(404, "ResourceNotFound", "Machine \(key) was not found", target: target)
        case .failure(.platformNotSupported(let platform)):
            return .mdeError(
                400, "OsPlatformNotSupported", "Offboard is not supported for OS platform \(platform).",
                target: target)
        case .failure(.notOnboarded):
            return .mdeError(400, "BadRequest", "Machine \(key) is not onboarded.", target: target)
        case .failure(.alreadyInProgress):
            return .mdeError(400, "ActiveRequestAlreadyExists", "Action is already in progress", target: target)
        }
    }

    func tagMachine(_ key: String, _ request: SimRequest, target: String) -> SimReply {
        do throws(Rejection) {
            let (value, add) = try tagArguments(try jsonBody(request, target: target), target: target)
            guard let machine = state.withLock({ $0.tenant.tag([key], value, add: add) }).first else {
                return .mdeError(404, "ResourceNotFound", "Machine \(key) was not found", target: target)
            }
            var w = JSONWriter()
            machine.write(to: &w, context: "\(baseURL(request))/api/$metadata#Machines/$entity")
            return .json(200, w)
        } catch {
            return error.reply
        }
    }

    func tagMachines(_ request: SimRequest, target: String) -> SimReply {
        do throws(Rejection) {
            let body = try jsonBody(request, target: target)
            let (value, add) = try tagArguments(body, target: target)
            guard let ids = body["MachineIds"] as? [String] else {
                throw Rejection(
                    400, "MissingRequiredParameter", "MachineIds is required (case-sensitive).", target: target)
            }
            guard ids.count <= Self.maxMachinesPerTagCall else {
                throw Rejection(
                    400, "MaximumBatchSizeExceeded",
                    "At most \(Self.maxMachinesPerTagCall) machines per call; got \(ids.count).", target: target)
            }
            let machines = state.withLock { $0.tenant.tag(ids, value, add: add) }
            var w = JSONWriter()
            w.beginObject()
            w.field("@odata.context", "\(baseURL(request))/api/$metadata#Machines")
            w.key("value")
            w.beginArray()
            for machine in machines { machine.write(to: &w) }
            w.endArray()
            w.endObject()
            return .json(200, w)
        } catch {
            return error.reply
        }
    }

    /// `Value` and whether `Action` is `Add` (else `Remove`).
    private func tagArguments(_ body: [String: Any], target: String) throws(Rejection) -> (String, Bool) {
        let value = try string("Value", in: body, target: target)
        let action = try string("Action", in: body, target: target)
        guard action == "Add" || action == "Remove" else {
            throw Rejection(400, "InvalidRequestBody", "Action must be Add or Remove.", target: target)
        }
        return (value, action == "Add")
    }

    private func string(_ name: String, in body: [String: Any], target: String) throws(Rejection) -> String {
        guard let value = body[name] as? String, !value.isEmpty else {
            throw Rejection(400, "MissingRequiredParameter", "\(name) is required (case-sensitive).", target: target)
        }
        return value
    }

    /// The request body as a JSON object, or MDE's 400 for a body that is not one.
    private func jsonBody(_ request: SimRequest, target: String) throws(Rejection) -> [String: Any] {
        if let type = request.contentType, !type.lowercased().hasPrefix("application/json") {
            throw Rejection(400, "InvalidRequestBody", "Content-Type must be application/json.", target: target)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] else {
            throw Rejection(400, "InvalidRequestBody", "Request body is incorrect", target: target)
        }
        return object
    }
}
