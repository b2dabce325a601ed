import AzureAccess
import Foundation

extension MDEClient {
    /// The most machine ids `AddOrRemoveTagForMultipleMachines` takes in one call (mde-api.md §3).
    public static let maxMachinesPerTagCall = 500

    /// Adds or removes one tag on up to 500 machines:
    /// `POST /api/machines/AddOrRemoveTagForMultipleMachines` with `{"Value","Action","MachineIds"}`.
    /// Returns the machines as updated. Setting a tag twice changes nothing, so the call is retried like a read.
    public func tagMachines(_ machineIds: [String], tag: String, add: Bool) async throws -> [Machine] {
        precondition(
            !machineIds.isEmpty && machineIds.count <= Self.maxMachinesPerTagCall, "1…500 machine ids per call")
        let path = "/api/machines/AddOrRemoveTagForMultipleMachines"
        let body = JSONValue.object([
            "Value": .string(tag), "Action": .string(add ? "Add" : "Remove"),
            "MachineIds": .array(machineIds.map(JSONValue.string)),
        ]).canonicalText()
        let response = try await send(
            APIRequest(
                method: "POST", path: path, body: Data(body.utf8), accepted: [200], idempotent: true,
                permission: "Machine.ReadWrite.All"))
        do {
            return try (response.json["value"]?.arrayValue ?? []).map(Machine.init(json:))
        } catch let error as MDEDecodingError {
            throw error.at("POST \(path)")
        }
    }

    /// Machines carrying a tag: `GET /api/machines/findbytag?tag={tag}&useStartsWithFilter={startsWith}`.
    public func machines(taggedWith tag: String, startsWith: Bool = false) async throws -> [Machine] {
        let path = "/api/machines/findbytag"
        let encoded = tag.addingPercentEncoding(withAllowedCharacters: QueryEncoding.unreserved) ?? tag
        let url = endpoints.baseURL.absoluteString + path + "?tag=\(encoded)&useStartsWithFilter=\(startsWith)"
        let response = try await send(APIRequest(method: "GET", path: path, url: url))
        do {
            return try (response.json["value"]?.arrayValue ?? []).map(Machine.init(json:))
        } catch let error as MDEDecodingError {
            throw error.at("GET \(path)")
        }
    }
}
