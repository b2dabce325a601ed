import Foundation

/// The token endpoint refused or failed, e.g. `token request failed: 401 invalid_client: AADSTS7000215: Invalid
/// client secret provided. …; check AZURE_CLIENT_ID and the client secret`. Never contains the secret.
public struct MDETokenError: Error, CustomStringConvertible, Sendable {
    /// The HTTP status; `nil` for transport errors or an unreadable response.
    public var status: Int?
    /// Entra's `error` (`invalid_client`, `unauthorized_client`, `invalid_request`, …).
    public var error: String?
    /// The first line of Entra's `error_description`.
    public var errorDescription: String?
    public var hint: String?

    public init(status: Int?, error: String?, errorDescription: String?, hint: String? = nil) {
        self.status = status
        self.error = error
        self.errorDescription = errorDescription
        self.hint = hint
    }

    public var description: String {
        var text = "token request failed"
        if let status { text += ": \(status)" }
        if let error { text += (status == nil ? ": " : " ") + error }
        if let errorDescription, !errorDescription.isEmpty { text += ": " + errorDescription }
        if let hint { text += "; " + hint }
        return text
    }
}
