import Foundation

/// How the tool proves who it is: an Entra ID app's client secret, certificate or federated token file (workload
/// identity federation), or the host's managed identity. `description` and `dump` never show the secret.
public struct ClientCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var tenantId: String
    public var clientId: String
    /// Empty with a federated token file.
    public var clientSecret: String
    /// `AZURE_FEDERATED_TOKEN_FILE`: read again for every token, since the platform rotates it.
    public var federatedTokenFile: String?
    /// `AZURE_CLIENT_CERTIFICATE_PATH`: signs a client assertion for every token.
    public var certificate: ClientCertificate?
    /// The host's managed identity: tokens come from its local identity endpoint.
    public var managedIdentity: ManagedIdentity?

    public init(tenantId: String, clientId: String, clientSecret: String) {
        self.tenantId = tenantId
        self.clientId = clientId
        self.clientSecret = clientSecret
        Secrets.register(clientSecret)
    }

    /// Workload identity federation: the token request presents the file's contents as a client assertion.
    public init(tenantId: String, clientId: String, federatedTokenFile: String) {
        self.tenantId = tenantId
        self.clientId = clientId
        self.clientSecret = ""
        self.federatedTokenFile = federatedTokenFile
    }

    /// Certificate credentials: the token request presents a client assertion signed with the certificate's key.
    public init(tenantId: String, clientId: String, certificate: ClientCertificate) {
        self.tenantId = tenantId
        self.clientId = clientId
        self.clientSecret = ""
        self.certificate = certificate
    }

    /// A managed identity. `tenantId` is only recorded (the identity belongs to one tenant); `clientId` is the
    /// user-assigned identity's, or empty for the system-assigned one.
    public init(tenantId: String, managedIdentity: ManagedIdentity) {
        self.tenantId = tenantId
        self.clientId = managedIdentity.clientId ?? ""
        self.clientSecret = ""
        self.managedIdentity = managedIdentity
    }

    /// Which kind of credential this is, as a run records it (never the material): `secret`, `certificate`,
    /// `workload-identity` or `managed-identity`.
    public var kind: CredentialKind {
        if managedIdentity != nil { return .managedIdentity }
        return certificate != nil ? .certificate : federatedTokenFile == nil ? .secret : .workloadIdentity
    }

    public var description: String {
        let material =
            switch kind {
            case .secret, .auto: "secret <redacted>"
            case .certificate: "certificate"
            case .workloadIdentity: "federated token file"
            case .managedIdentity: "managed identity (\(managedIdentity!.source.rawValue))"
            }
        return "tenant \(tenantId), client \(clientId), " + material
    }
    public var debugDescription: String { "ClientCredentials(\(description))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["tenantId": tenantId, "clientId": clientId, "clientSecret": "<redacted>"])
    }

    /// Reads `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET`, or instead of the secret
    /// `AZURE_CLIENT_SECRET_FILE` (a file readable by its owner only; surrounding whitespace is trimmed).
    /// - Throws: `MDEConfigurationError` naming the missing variable, or the file and the `chmod 600` fix.
    /// With `kind` `.auto`, Azure Identity's EnvironmentCredential order: a secret, then a certificate, then a
    /// federated token file, then a managed identity whose endpoint the environment announces
    /// (`ManagedIdentity.isAnnounced`). A managed identity needs no `AZURE_TENANT_ID`; `AZURE_CLIENT_ID` names a
    /// user-assigned identity.
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment, kind: CredentialKind = .auto,
        algorithm: AssertionAlgorithm = .ps256
    ) throws -> ClientCredentials {
        func required(_ name: String, _ what: String) throws -> String {
            guard let value = env[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw MDEConfigurationError("\(name) is not set; export it (\(what))")
            }
            return value
        }
        func value(_ name: String) -> String? {
            env[name].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let secret = env["AZURE_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        let secretFile = env["AZURE_CLIENT_SECRET_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let federated = env["AZURE_FEDERATED_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let certificate = env["AZURE_CLIENT_CERTIFICATE_PATH"].flatMap { $0.isEmpty ? nil : $0 }
        let appCredential = secret != nil || secretFile != nil || federated != nil || certificate != nil
        if kind == .managedIdentity || (kind == .auto && !appCredential && ManagedIdentity.isAnnounced(in: env)) {
            return ClientCredentials(
                tenantId: value("AZURE_TENANT_ID") ?? "",
                managedIdentity: try ManagedIdentity.fromEnvironment(env, clientId: value("AZURE_CLIENT_ID")))
        }
        let tenantId = try required("AZURE_TENANT_ID", "the Entra tenant id")
        let clientId = try required("AZURE_CLIENT_ID", "the app registration's client id")
        switch kind {
        case .managedIdentity:
            preconditionFailure("handled above")
        case .certificate:
            guard let certificate else {
                throw MDEConfigurationError(
                    "AZURE_CLIENT_CERTIFICATE_PATH is not set; point it at a PEM file with the app's certificate and "
                        + "private key (--credential certificate)")
            }
            return ClientCredentials(
                tenantId: tenantId, clientId: clientId,
                certificate: try ClientCertificate(
                    file: certificate, password: certificatePassword(env), algorithm: algorithm))
        case .auto where secret == nil && secretFile == nil && certificate != nil:
            return ClientCredentials(
                tenantId: tenantId, clientId: clientId,
                certificate: try ClientCertificate(
                    file: certificate!, password: certificatePassword(env), algorithm: algorithm))
        case .workloadIdentity:
            guard let federated else {
                throw MDEConfigurationError(
                    "AZURE_FEDERATED_TOKEN_FILE is not set; point it at the projected service account token "
                        + "(--credential workload-identity)")
            }
            return ClientCredentials(tenantId: tenantId, clientId: clientId, federatedTokenFile: federated)
        case .auto where secret == nil && secretFile == nil && federated != nil:
            return ClientCredentials(tenantId: tenantId, clientId: clientId, federatedTokenFile: federated!)
        case .auto, .secret:
            break
        }
        switch (secret, secretFile) {
        case (let secret?, nil):
            return ClientCredentials(tenantId: tenantId, clientId: clientId, clientSecret: secret)
        case (nil, let path?):
            return ClientCredentials(tenantId: tenantId, clientId: clientId, clientSecret: try readSecret(at: path))
        case (.some, .some):
            throw MDEConfigurationError(
                "both AZURE_CLIENT_SECRET and AZURE_CLIENT_SECRET_FILE are set; unset one of them")
        case (nil, nil):
            throw MDEConfigurationError(
                "AZURE_CLIENT_SECRET is not set; export it or point AZURE_CLIENT_SECRET_FILE at a file holding it"
                    + (kind == .auto
                        ? ", or AZURE_FEDERATED_TOKEN_FILE at a federated token (workload identity); on an Azure VM "
                            + "use --credential managed-identity" : ""))
        }
    }

    /// Reads the secret file, checking the file actually opened (`fstat` on the descriptor, so nothing can be
    /// swapped in between): a regular file readable by its owner only. A symbolic link is followed to its target,
    /// which is what is checked: Kubernetes mounts secrets as links to owner-only files.
    /// The certificate file's password: `AZURE_CLIENT_CERTIFICATE_PASSWORD` (Azure Identity's variable), or a file
    /// named by `AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE` (owner-only), never both; registered for redaction.
    static func certificatePassword(_ env: [String: String]) throws -> String? {
        let value = env["AZURE_CLIENT_CERTIFICATE_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        let file = env["AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if value != nil && file != nil {
            throw MDEConfigurationError(
                "both AZURE_CLIENT_CERTIFICATE_PASSWORD and AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE are set; unset one")
        }
        let password =
            try value ?? file.map { try readSecret(at: $0, variable: "AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE") }
        password.map(Secrets.register)
        return password
    }

    static func readSecret(at path: String, variable: String = "AZURE_CLIENT_SECRET_FILE") throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw MDEConfigurationError(
                "\(variable) '\(path)' cannot be read (\(String(cString: strerror(errno)))); check the path"
            )
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw MDEConfigurationError("\(variable) '\(path)' is not a regular file; point it at a file")
        }
        let mode = Int(info.st_mode & 0o777)
        // A secret other users can read is already leaked; refuse rather than use it quietly.
        guard mode & 0o077 == 0 else {
            throw MDEConfigurationError(
                "\(variable) '\(path)' is readable by group or others (mode \(String(mode, radix: 8))); "
                    + "run chmod 600 on the file (for a link, on its target)")
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while data.count <= maxSecretFileBytes {
            let count = read(fd, &buffer, buffer.count)
            guard count >= 0 else {
                throw MDEConfigurationError("\(variable) '\(path)' cannot be read; check the file")
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        guard data.count <= maxSecretFileBytes else {
            throw MDEConfigurationError(
                "\(variable) '\(path)' is larger than 64 KB; it must hold only the client secret")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MDEConfigurationError("\(variable) '\(path)' cannot be read as UTF-8 text")
        }
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else {
            throw MDEConfigurationError("\(variable) '\(path)' is empty; write the client secret to it")
        }
        return secret
    }

    static let maxSecretFileBytes = 64 << 10
}

/// How the app proves who it is (`--credential`).
public enum CredentialKind: String, Sendable, CaseIterable {
    /// A secret if one is set, else a certificate, else a federated token file (Azure Identity's
    /// EnvironmentCredential order), else a managed identity whose endpoint the environment announces.
    case auto
    case secret
    case certificate
    case managedIdentity = "managed-identity"
    case workloadIdentity = "workload-identity"
}
