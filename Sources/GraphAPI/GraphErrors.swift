import AzureAccess

/// A failed Graph call, with Graph's own `{"error":{"code","message"}}` when it sent one.
///
/// Example: `GET /v1.0/devices failed: 401 Unauthorized: InvalidAuthenticationToken: Access token validation
/// failure. Invalid audience. (request-id 5e1a…); the token's scope is not Graph's: …`.
public struct GraphAPIError: Error, CustomStringConvertible, Sendable {
    /// nil for transport errors and paging problems.
    public var status: Int?
    public var method: String
    /// The version and path (`/v1.0/devices`), never a query or token.
    public var endpoint: String
    public var code: String?
    public var message: String?
    /// Graph's `innerError.request-id`, for Microsoft support.
    public var requestId: String?
    public var hint: String?

    public init(
        status: Int?, method: String = "GET", endpoint: String, code: String? = nil, message: String? = nil,
        requestId: String? = nil, hint: String? = nil
    ) {
        self.status = status
        self.method = method
        self.endpoint = endpoint
        self.code = code
        self.message = message
        self.requestId = requestId
        self.hint = hint
    }

    public var description: String {
        var text = "\(method) \(endpoint) failed"
        if let status { text += ": \(status) \(Self.reasonPhrase(status))" }
        if let code, !code.isEmpty { text += ": \(code)" }
        if let message, !message.isEmpty { text += ": \(message)" }
        if let requestId { text += " (request-id \(requestId))" }
        if let hint { text += "; \(hint)" }
        return text
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: status >= 500 ? "Server Error" : "Error"
        }
    }
}

/// The app lacks the application permission a Graph route needs (403 `Authorization_RequestDenied`, or Intune's
/// `Forbidden`): a caller can skip that feature and go on with the others.
public struct GraphPermissionError: Error, CustomStringConvertible, Sendable {
    /// The least-privileged permission that allows the call, e.g. `DeviceManagementApps.Read.All`.
    public var permission: String
    public var endpoint: String
    /// What Graph said.
    public var message: String?

    public var description: String {
        "GET \(endpoint) refused: the app lacks the Graph application permission \(permission)"
            + (message.map { " (\($0))" } ?? "") + "; grant it with admin consent, or run without this feature"
    }
}

/// A listing that ended (no `@odata.nextLink`) with fewer items than its `@odata.count` promised — a known Graph
/// quirk. It is a failed listing, never evidence that devices were removed.
public struct GraphListingError: Error, CustomStringConvertible, Sendable {
    public var endpoint: String
    public var expected: Int
    public var received: Int

    public var description: String {
        "GET \(endpoint) returned \(received) items but its @odata.count said \(expected): Graph ended the listing "
            + "early; nothing is concluded from it, run again later"
    }
}
