/// Handlers of the `/_sim/…` test controls documented in `SimulatorRoutes.swift`.
extension MDESimulator {
    func statsReply() -> SimReply {
        let counts = requestCounts().sorted { ($0.key.route, $0.key.status) < ($1.key.route, $1.key.status) }
        var w = JSONWriter()
        w.beginObject()
        w.field("total", counts.reduce(0) { $0 + $1.value })
        w.key("requests")
        w.beginArray()
        for (key, count) in counts {
            w.beginObject()
            w.field("route", key.route)
            w.field("status", key.status)
            w.field("count", count)
            w.endObject()
        }
        w.endArray()
        writeOffboardCounts(to: &w)
        w.endObject()
        return .json(200, w, contentType: "application/json; charset=utf-8")
    }

    func failControl(_ request: SimRequest) -> SimReply {
        if request.method == "DELETE" {
            clearFailures()
            return controlOK()
        }
        guard let route = request.queryValue("route"), route.split(separator: " ").count == 2 else {
            return controlError("route is required, e.g. route=GET%20/api/machines")
        }
        let occurrence = request.queryValue("occurrence").map { Int($0) } ?? 1
        guard let occurrence, occurrence >= 1 else { return controlError("occurrence must be a whole number ≥ 1") }
        let fault: InjectedFault
        switch (request.queryValue("fault"), request.queryValue("status").map { Int($0) }) {
        case (nil, nil): fault = .status(500)
        case (nil, .some(.some(let status))) where (400...599).contains(status): fault = .status(status)
        case ("reset", nil): fault = .reset
        case ("truncate", nil): fault = .truncate
        case ("drop", nil): fault = .dropResponse
        case ("garbled", nil): fault = .garbledBody
        case ("echo", nil): fault = .echoRequest
        default:
            return controlError(
                "pass status=400…599, or fault=reset, fault=truncate, fault=drop, fault=garbled or fault=echo")
        }
        failRequest(route, occurrence: occurrence, with: fault)
        return controlOK()
    }

    func clockControl(_ request: SimRequest) -> SimReply {
        if request.method == "POST" {
            if let text = request.queryValue("to") {
                guard let time = SimTime.parse(text), time >= state.withLock({ $0.tenant.now }) else {
                    return controlError("to=\(text) must be a UTC time not before now, e.g. 2026-12-01T00:00:00Z")
                }
                advanceClock(to: time.date)
            } else {
                guard let text = request.queryValue("advance"), let seconds = Double(text), seconds >= 0 else {
                    return controlError("pass advance=SECONDS (not negative) or to=2026-12-01T00:00:00Z")
                }
                advanceClock(by: seconds)
            }
        }
        var w = JSONWriter()
        w.beginObject()
        w.field("now", state.withLock { $0.tenant.now.isoSeconds })
        w.endObject()
        return .json(200, w, contentType: "application/json; charset=utf-8")
    }

    func faultsControl(_ request: SimRequest) -> SimReply {
        switch request.method {
        case "DELETE": setFaults(.none)
        case "POST":
            do throws(SimulatorSpecError) {
                setFaults(try SimulatedFaults(parsing: request.queryValue("spec") ?? ""))
            } catch {
                return controlError(error.message)
            }
        default: break
        }
        return specReply(faults.description)
    }

    func rateLimitControl(_ request: SimRequest) -> SimReply {
        switch request.method {
        case "DELETE": setRateLimits(.unlimited)
        case "POST":
            do throws(SimulatorSpecError) {
                setRateLimits(try SimulatedRateLimits(parsing: request.queryValue("spec") ?? ""))
            } catch {
                return controlError(error.message)
            }
        default: break
        }
        return specReply(rateLimits.description)
    }

    private func specReply(_ spec: String) -> SimReply {
        var w = JSONWriter()
        w.beginObject()
        w.field("spec", spec)
        w.endObject()
        return .json(200, w, contentType: "application/json; charset=utf-8")
    }

    private func controlOK() -> SimReply {
        var w = JSONWriter()
        w.beginObject()
        w.field("ok", true)
        w.endObject()
        return .json(200, w, contentType: "application/json; charset=utf-8")
    }

    private func controlError(_ message: String) -> SimReply {
        .mdeError(400, "InvalidInput", message, target: "_sim")
    }
}
