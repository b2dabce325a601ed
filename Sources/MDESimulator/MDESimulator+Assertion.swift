import Crypto
import Foundation
import X509
import _CryptoExtras

/// Certificate credentials as Entra checks them: the client assertion's signature against a certificate registered
/// for the app (found by its `x5t#S256` or `x5t` thumbprint), its audience, issuer, subject, validity window and
/// that its `jti` was not presented before.
extension MDESimulator {
    /// Why the assertion is refused, in Entra's words, or nil when it is good.
    func checkCertificateAssertion(_ assertion: String, clientId: String, audience: String) -> String? {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerData = Self.base64URL(parts[0]), let claimsData = Self.base64URL(parts[1]),
            let signature = Self.base64URL(parts[2]),
            let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
            let claims = try? JSONSerialization.jsonObject(with: claimsData) as? [String: Any]
        else { return "AADSTS50027: JWT token is invalid or malformed." }
        let padding: _RSA.Signing.Padding
        let thumbprint: (Data) -> String
        let key: String
        switch header["alg"] as? String {
        case "PS256":
            (padding, key, thumbprint) = (.PSS, "x5t#S256", { Self.base64URL(Data(SHA256.hash(data: $0))) })
        case "RS256":
            (padding, key, thumbprint) = (
                .insecurePKCS1v1_5, "x5t", { Self.base64URL(Data(Insecure.SHA1.hash(data: $0))) }
            )
        default:
            return "AADSTS5002730: Invalid JWT token. Unsupported key for the signing algorithm."
        }
        let registered = configuration.certificates.compactMap { pem -> (Data, _RSA.Signing.PublicKey)? in
            guard let certificate = try? Certificate(pemEncoded: pem),
                let der = try? certificate.serializeAsPEM().derBytes,
                let publicKey = _RSA.Signing.PublicKey(certificate.publicKey)
            else { return nil }
            return (Data(der), publicKey)
        }
        guard let presented = header[key] as? String,
            let publicKey = registered.first(where: { thumbprint($0.0) == presented })?.1
        else {
            return "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered "
                + "on application. [Reason - The key was not found.]"
        }
        let signed = Data((parts[0] + "." + parts[1]).utf8)
        guard
            publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: signed, padding: padding)
        else { return "AADSTS700027: Client assertion failed signature validation." }
        let now = Date().timeIntervalSince1970
        guard claims["aud"] as? String == audience else {
            return "AADSTS700016: The audience claim of the client assertion is not the token endpoint \(audience)."
        }
        guard claims["iss"] as? String == clientId, claims["sub"] as? String == clientId else {
            return "AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter."
        }
        guard let exp = claims["exp"] as? Double, exp > now, let nbf = claims["nbf"] as? Double, nbf <= now + 300
        else { return "AADSTS700024: Client assertion is not within its valid time range." }
        guard let jti = claims["jti"] as? String,
            state.withLock({ $0.assertionIds.insert(jti).inserted })
        else { return "AADSTS700023: The client assertion was already used (its jti was seen before)." }
        return nil
    }

    static func base64URL(_ text: String) -> Data? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base += String(repeating: "=", count: (4 - base.count % 4) % 4)
        return Data(base64Encoded: base)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
