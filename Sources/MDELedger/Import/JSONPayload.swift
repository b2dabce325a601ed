import Foundation
import MDEAPI

/// Splits one JSON file into machine or machine action objects.
///
/// Accepts what the API and the API Explorer give: a list response `{"@odata.context": …, "value": [...]}`,
/// a bare array, or a single object (a `GET /api/machines/{id}` answer, with its `@odata.*` annotations
/// dropped as the client drops them).
enum JSONPayload {
    static func items(_ file: ImportFile, kind: ImportKind) throws -> [ImportItem] {
        let data = Data(file.text.utf8)
        let document: JSONValue
        do {
            document = try JSONValue.parse(data, maxStringBytes: file.limits.maxFieldBytes)
        } catch let error as MDEDecodingError {
            throw ImportError("\(file.path)\(position(of: error, in: data)): \(error.problem); " + syntaxFix)
        }
        func item(_ place: String, _ json: JSONValue) -> ImportItem {
            ImportItem(file: file.path, place: place, json: json)
        }
        switch document {
        case .array(let elements):
            return try elements.enumerated().map { try checked(item("[\($0.offset)]", $0.element), kind: kind) }
        case .object(let members):
            try checkContext(members["@odata.context"], file: file.path, kind: kind)
            if case .array(let elements)? = members["value"] {
                return try elements.enumerated().map {
                    try checked(item("value[\($0.offset)]", $0.element), kind: kind)
                }
            }
            if case .object(let error)? = members["error"], members["id"] == nil {
                let code = error["code"]?.stringValue ?? "?"
                let message = error["message"]?.stringValue ?? ""
                throw ImportError(
                    "\(file.path): is an API error response (\(ErrorText.escaped(code)): \(ErrorText.escaped(message))), "
                        + "not \(kind.rawValue); "
                        + "run the request again and save its successful answer")
            }
            let object = members.filter { !$0.key.hasPrefix("@odata.") }
            return [try checked(item("the object", .object(object)), kind: kind)]
        default:
            throw ImportError(
                "\(file.path): the JSON is \(document.kindDescription); expected an API response with \"value\", "
                    + "an array of \(kind.rawValue) or one \(kind.singular) object")
        }
    }

    static let syntaxFix =
        "the file must be valid JSON as the API returns it (documentation samples with '...' or stray text need "
        + "fixing first)"

    /// `:line:column` of a syntax error, from the byte offset the parser reports.
    static func position(of error: MDEDecodingError, in data: Data) -> String {
        guard error.isSyntaxError, let match = error.problem.firstMatch(of: #/at byte (\d+)/#),
            let offset = Int(match.1)
        else { return "" }
        var line = 1
        var lineStart = 0
        for (index, byte) in data.prefix(offset).enumerated() where byte == 0x0A {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: data[lineStart..<min(offset, data.count)], as: UTF8.self).count + 1
        return ":\(line):\(column)"
    }

    /// Refuses a response whose `@odata.context` names the other entity set.
    static func checkContext(_ context: JSONValue?, file: String, kind: ImportKind) throws {
        guard let text = context?.stringValue, let hash = text.lastIndex(of: "#") else { return }
        let entity = text[text.index(after: hash)...].lowercased()
        let isActions = entity.hasPrefix("machineactions")
        let isMachines = !isActions && entity.hasPrefix("machine")
        if (kind == .machines && isActions) || (kind == .actions && isMachines) {
            throw ImportError(
                "\(file): is a \(isActions ? "machine actions" : "machines") response (@odata.context "
                    + "\(ErrorText.escaped(text))); "
                    + "import it with '\(kind.otherCommand)'")
        }
    }

    /// Refuses non-objects and objects that are plainly the other kind (an action has no `lastSeen`).
    static func checked(_ item: ImportItem, kind: ImportKind) throws -> ImportItem {
        guard case .object(let members) = item.json else {
            throw ImportError(
                "\(item.location): is \(item.json.kindDescription), expected a \(kind.singular) object; "
                    + "fix or export the file again")
        }
        let machineKeys = ["lastSeen", "firstSeen", "osPlatform", "healthStatus", "onboardingStatus", "machineTags"]
        let actionKeys = ["requestor", "creationDateTimeUtc", "machineId", "requestorComment"]
        let looksLikeMachine = machineKeys.contains { members[$0] != nil }
        let looksLikeAction = actionKeys.contains { members[$0] != nil }
        if kind == .machines && looksLikeAction && !looksLikeMachine
            || kind == .actions && looksLikeMachine && !looksLikeAction
        {
            let other = kind == .machines ? "machine action" : "machine"
            throw ImportError(
                "\(item.location): looks like a \(other), not a \(kind.singular); import the file with "
                    + "'\(kind.otherCommand)'")
        }
        return item
    }
}
