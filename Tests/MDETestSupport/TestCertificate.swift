import Foundation
import X509
import _CryptoExtras

/// A self-signed RSA certificate for an app's certificate credentials, made fresh by the test (no key committed).
public struct TestCertificate: Sendable {
    /// The certificate alone, as registered on the app (what the simulator is given).
    public let certificatePEM: String
    /// The certificate and its private key in one file's text, as `AZURE_CLIENT_CERTIFICATE_PATH` expects.
    public let bundlePEM: String

    public init(commonName: String = "mde-ledger test app") throws {
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let key = Certificate.PrivateKey(rsa)
        let name = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-60), notValidAfter: now.addingTimeInterval(86_400), issuer: name,
            subject: name, signatureAlgorithm: .sha256WithRSAEncryption, extensions: Certificate.Extensions(),
            issuerPrivateKey: key)
        certificatePEM = try certificate.serializeAsPEM().pemString
        bundlePEM = certificatePEM + "\n" + rsa.pemRepresentation + "\n"
    }

    /// Writes the bundle to `path`, readable by its owner only.
    public func write(to path: String) throws {
        FileManager.default.createFile(
            atPath: path, contents: Data(bundlePEM.utf8), attributes: [.posixPermissions: 0o600])
    }
}
