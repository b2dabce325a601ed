import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// How the client assertion is signed: PS256 with the certificate's SHA-256 thumbprint (`x5t#S256`, what Entra
/// recommends), or RS256 with the SHA-1 thumbprint (`x5t`) for tenants and key stores that need it.
public enum AssertionAlgorithm: String, Sendable, CaseIterable {
    case ps256
    case rs256
}

/// An app's certificate and RSA private key, read from one PEM or PKCS#12 file (`AZURE_CLIENT_CERTIFICATE_PATH`):
/// it signs the client assertion a token request presents instead of a secret.
public struct ClientCertificate: Sendable {
    let privateKey: _RSA.Signing.PrivateKey
    /// The certificate's DER bytes, whose hash Entra uses to find the registered certificate.
    let der: [UInt8]
    public var algorithm: AssertionAlgorithm

    /// Reads the app's certificate and RSA private key, owner-only: a PEM file with both (the key unencrypted,
    /// PKCS#8 or PKCS#1, or encrypted PKCS#8 with `password`), or a PKCS#12 `.pfx` file opened with `password`.
    /// - Throws: `MDEConfigurationError` naming the file and what to fix.
    public init(file path: String, password: String? = nil, algorithm: AssertionAlgorithm = .ps256) throws {
        func fail(_ problem: String) -> MDEConfigurationError {
            MDEConfigurationError("AZURE_CLIENT_CERTIFICATE_PATH '\(path)' \(problem)")
        }
        var info = stat()
        guard stat(path, &info) == 0, let data = FileManager.default.contents(atPath: path) else {
            throw fail("cannot be read; check the path")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw fail("is readable by group or others; run chmod 600 on it (it holds the private key)")
        }
        let certificate: Certificate
        do {
            // PKCS#12 is DER, a binary SEQUENCE; PEM is text.
            if data.first == 0x30 {
                guard let password else {
                    throw MDEConfigurationError(
                        "is a PKCS#12 file; give its password in AZURE_CLIENT_CERTIFICATE_PASSWORD or a file named by "
                            + "AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE")
                }
                (certificate, privateKey) = try Self.pkcs12(Array(data), password: password)
            } else if let text = String(data: data, encoding: .utf8) {
                (certificate, privateKey) = try Self.pem(text, password: password)
            } else {
                throw fail("is neither a PEM file nor a PKCS#12 file")
            }
        } catch let failure as PKCS12.Failure {
            throw fail(failure.description)
        } catch let error as MDEConfigurationError {
            throw fail(error.message)
        } catch {
            throw fail("is not a certificate with an RSA private key (\(error))")
        }
        guard _RSA.Signing.PublicKey(certificate.publicKey)?.derRepresentation == privateKey.publicKey.derRepresentation
        else { throw fail("holds a private key that does not belong to its certificate") }
        der = try certificate.serializeAsPEM().derBytes
        self.algorithm = algorithm
    }

    /// A PEM file's certificate and key (the key decrypted with `password` when it is `ENCRYPTED PRIVATE KEY`).
    static func pem(_ text: String, password: String?) throws -> (Certificate, _RSA.Signing.PrivateKey) {
        let blocks = text.components(separatedBy: "-----BEGIN ").dropFirst().map { "-----BEGIN " + $0 }
        guard let certificateBlock = blocks.first(where: { $0.hasPrefix("-----BEGIN CERTIFICATE-----") }) else {
            throw MDEConfigurationError("holds no certificate; put the PEM certificate and its private key in one file")
        }
        guard let keyBlock = blocks.first(where: { $0.contains("PRIVATE KEY-----") }) else {
            throw MDEConfigurationError("holds no private key; put the PEM certificate and its private key in one file")
        }
        let certificate = try Certificate(pemEncoded: certificateBlock)
        guard keyBlock.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----") else {
            guard !keyBlock.hasPrefix("-----BEGIN RSA PRIVATE KEY-----") || !keyBlock.contains("Proc-Type: 4,ENCRYPTED")
            else {
                throw MDEConfigurationError(
                    "holds a key encrypted the legacy OpenSSL way; convert it with 'openssl pkcs8 -topk8' (PBES2)")
            }
            return (certificate, try _RSA.Signing.PrivateKey(pemRepresentation: keyBlock))
        }
        guard let password else {
            throw MDEConfigurationError(
                "holds an encrypted private key; give its password in AZURE_CLIENT_CERTIFICATE_PASSWORD or a file "
                    + "named by AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE")
        }
        let document = try PEMDocument(pemString: keyBlock)
        let key = try PKCS12.decryptPrivateKey(Array(document.derBytes), password: password)
        return (certificate, try _RSA.Signing.PrivateKey(derRepresentation: key))
    }

    /// A PKCS#12 file's certificate and the RSA key that belongs to it.
    static func pkcs12(_ bytes: [UInt8], password: String) throws -> (Certificate, _RSA.Signing.PrivateKey) {
        let contents = try PKCS12.open(bytes, password: password)
        let keys = try contents.keys.map { try _RSA.Signing.PrivateKey(derRepresentation: $0) }
        guard !keys.isEmpty else { throw MDEConfigurationError("holds no private key; export it with the key") }
        // A chain may come with the leaf: the certificate is the one whose public key matches a key.
        for der in contents.certificates {
            let certificate = try Certificate(derEncoded: der)
            let publicKey = _RSA.Signing.PublicKey(certificate.publicKey)?.derRepresentation
            if let key = keys.first(where: { $0.publicKey.derRepresentation == publicKey }) {
                return (certificate, key)
            }
        }
        throw MDEConfigurationError("holds no certificate for its private key")
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
