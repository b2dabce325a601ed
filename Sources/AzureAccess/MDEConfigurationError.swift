/// Bad client configuration: missing credentials, an unsafe secret file, a refused URL, a bad rate-limit spec.
///
/// The message names the setting and the fix, e.g. `AZURE_CLIENT_ID is not set; export it (the app's client id)`.
public struct MDEConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
