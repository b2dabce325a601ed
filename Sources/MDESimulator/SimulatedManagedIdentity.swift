import Foundation

/// The managed identity of the host the simulator pretends to be, and which identity endpoint serves it, with the
/// request shapes Azure's endpoints check.
public struct SimulatedManagedIdentity: Sendable, Equatable {
    public enum Host: Sendable, Equatable {
        /// An Azure VM's instance metadata service: `Metadata: true`, api-version 2018-02-01.
        case imds
        /// App Service or Functions: `X-IDENTITY-HEADER` must carry this value, api-version 2019-08-01.
        case appService(header: String)
        /// An Azure Arc server: the first request gets 401 naming a key file written to this folder; the retry sends
        /// the file's contents as Basic authorization. api-version 2020-06-01.
        case arc(keyDirectory: String)
    }

    public var host: Host
    /// The system-assigned identity's client id; nil when the host has none.
    public var systemAssigned: String?
    /// Client ids of the user-assigned identities attached to the host.
    public var userAssigned: Set<String>

    public init(host: Host, systemAssigned: String? = "sim-system-identity", userAssigned: Set<String> = []) {
        self.host = host
        self.systemAssigned = systemAssigned
        self.userAssigned = userAssigned
    }
}
