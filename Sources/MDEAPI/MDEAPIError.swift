import AzureAccess

/// A failed API call, with the service's own error code and message when it sent them.
///
/// Example description: `GET /api/machines failed: 403 Forbidden: The application does not have any of the
/// required application permissions (Machine.Read.All, Machine.ReadWrite.All) to access the resource
/// (target |b1838e63-40a6640ddd2719ac.); check the app's API permissions (Machine.Read.All) and admin consent`.
public struct MDEAPIError: Error, CustomStringConvertible, Sendable {
    /// The HTTP status; `nil` for transport errors (connection refused or reset, timeout) and paging problems.
    public var status: Int?
    public var method: String
    /// The path only (`/api/machines`), never a query, token or secret.
    public var endpoint: String
    /// From the body `{"error":{"code","message","target"}}` when present.
    public var code: String?
    public var message: String?
    /// The service's request tracking id, an opaque string.
    public var target: String?
    /// What to do about it (`check the app's API permissions … and admin consent`).
    public var hint: String?
    /// The start of the response body as received (at most ``bodyLimit`` characters, control characters
    /// escaped), for the outbox's record of what the service answered; nil without a response.
    public var body: String?

    /// How much of a response body an error keeps.
    public static let bodyLimit = 2_000

    public init(
        status: Int?, method: String, endpoint: String, code: String? = nil, message: String? = nil,
        target: String? = nil, hint: String? = nil, body: String? = nil
    ) {
        self.status = status
        self.method = method
        self.endpoint = endpoint
        self.code = code
        self.message = message
        self.target = target
        self.hint = hint
        self.body = body
    }

    public var description: String {
        var text = "\(method) \(endpoint) failed"
        if let status { text += ": \(status) \(Self.reasonPhrase(status))" }
        if let message, !message.isEmpty {
            text += ": " + message
        } else if let code {
            text += ": " + code
        }
        if let target { text += " (target \(target))" }
        if let hint { text += "; " + hint }
        return text
    }

    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 409: return "Conflict"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return status >= 500 ? "Server Error" : "Error"
        }
    }
}
