import Crypto
import Foundation
import X509
import _CryptoExtras

/// How the client assertion is signed: PS256 with the certificate's SHA-256 thumbprint (`x5t#S256`, what Entra
/// recommends), or RS256 with the SHA-1 thumbprint (`x5t`) for tenants and key stores that need it.
public enum AssertionAlgorithm: String, Sendable, CaseIterable {
    case ps256
    case rs256
}

/// An app's certificate and RSA private key, read from one PEM file (`AZURE_CLIENT_CERTIFICATE_PATH`): it signs
/// the client assertion a token request presents instead of a secret.
public struct ClientCertificate: Sendable {
    let privateKey: _RSA.Signing.PrivateKey
    /// The certificate's DER bytes, whose hash Entra uses to find the registered certificate.
    let der: [UInt8]
    public var algorithm: AssertionAlgorithm

    /// Reads a PEM file holding the certificate and its unencrypted RSA private key (PKCS#8 or PKCS#1), owner-only.
    /// - Throws: `MDEConfigurationError` naming the file and what to fix.
    public init(pemFile path: String, algorithm: AssertionAlgorithm = .ps256) throws {
        func fail(_ problem: String) -> MDEConfigurationError {
            MDEConfigurationError("AZURE_CLIENT_CERTIFICATE_PATH '\(path)' \(problem)")
        }
        var info = stat()
        guard stat(path, &info) == 0, let data = FileManager.default.contents(atPath: path) else {
            throw fail("cannot be read; check the path")
        }
        // PKCS#12 is DER: a binary SEQUENCE. swift-crypto cannot open it, and ASN.1 is not parsed by hand here.
        guard data.first != 0x30, let text = String(data: data, encoding: .utf8) else {
            throw fail(
                "is not a PEM file (a PKCS#12 .pfx file is not supported yet); convert it once with "
                    + "'openssl pkcs12 -in FILE.pfx -nodes -out FILE.pem' and chmod 600 FILE.pem")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw fail("is readable by group or others; run chmod 600 on it (it holds the private key)")
        }
        let blocks = text.components(separatedBy: "-----BEGIN ").dropFirst().map { "-----BEGIN " + $0 }
        guard let certificateBlock = blocks.first(where: { $0.hasPrefix("-----BEGIN CERTIFICATE-----") }) else {
            throw fail("holds no certificate; put the PEM certificate and its private key in one file")
        }
        guard let keyBlock = blocks.first(where: { $0.contains("PRIVATE KEY-----") }) else {
            throw fail("holds no private key; put the PEM certificate and its private key in one file")
        }
        guard !keyBlock.hasPrefix("-----BEGIN ENCRYPTED") else {
            throw fail("holds an encrypted private key, which is not supported yet; export it unencrypted, mode 600")
        }
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: certificateBlock)
            privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: keyBlock)
        } catch {
            throw fail("is not a PEM certificate with an RSA private key (\(error))")
        }
        guard _RSA.Signing.PublicKey(certificate.publicKey)?.derRepresentation == privateKey.publicKey.derRepresentation
        else { throw fail("holds a private key that does not belong to its certificate") }
        der = try certificate.serializeAsPEM().derBytes
        self.algorithm = algorithm
    }

    /// A signed client assertion (RFC 7523) for `clientId` at the token endpoint `audience`, valid for 10 minutes.
    func assertion(clientId: String, audience: String, now: Date) throws -> String {
        var header: [String: JSONValue] = ["typ": .string("JWT")]
        switch algorithm {
        case .ps256:
            header["alg"] = .string("PS256")
            header["x5t#S256"] = .string(Self.base64URL(Data(SHA256.hash(data: der))))
        case .rs256:
            header["alg"] = .string("RS256")
            header["x5t"] = .string(Self.base64URL(Data(Insecure.SHA1.hash(data: der))))
        }
        let issued = Int64(now.timeIntervalSince1970)
        let claims: [String: JSONValue] = [
            "aud": .string(audience), "iss": .string(clientId), "sub": .string(clientId),
            "jti": .string(UUID().uuidString), "nbf": .int(issued), "iat": .int(issued), "exp": .int(issued + 600),
        ]
        let signed =
            Self.base64URL(Data(JSONValue.object(header).canonicalText().utf8)) + "."
            + Self.base64URL(Data(JSONValue.object(claims).canonicalText().utf8))
        let signature = try privateKey.signature(
            for: Data(signed.utf8), padding: algorithm == .ps256 ? .PSS : .insecurePKCS1v1_5)
        return signed + "." + Self.base64URL(signature.rawRepresentation)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
