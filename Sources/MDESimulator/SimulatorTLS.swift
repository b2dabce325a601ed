import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority and a server certificate made for one simulator run (`simulate --tls`): the client
/// must be given the CA (`--ca-file`) exactly as it would a corporate CA, so TLS, CONNECT tunnels and extra trust
/// roots are tested for real. Nothing is committed; every run makes new keys.
public struct SimulatorTLS: Sendable, Equatable {
    /// The CA certificate, PEM: what a client trusts.
    public let caPEM: String
    /// The server's certificate then the CA's (the chain it presents), PEM.
    public let chainPEM: String
    /// The server's private key, PEM.
    public let keyPEM: String

    /// A CA valid for a day and a server certificate it signs for `localhost`, `127.0.0.1` and `::1`.
    public static func generate(now: Date = Date()) throws -> SimulatorTLS {
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("mde-ledger simulator")
            CommonName("mde-ledger simulator test CA")
        }
        let validity = (now.addingTimeInterval(-300), now.addingTimeInterval(86_400))
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(caKey.publicKey), notValidBefore: validity.0, notValidAfter: validity.1,
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            }, issuerPrivateKey: Certificate.PrivateKey(caKey))
        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(serverKey.publicKey), notValidBefore: validity.0,
            notValidAfter: validity.1, issuer: caName, subject: try DistinguishedName { CommonName("localhost") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                    .ipAddress(ASN1OctetString(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
                ])
            }, issuerPrivateKey: Certificate.PrivateKey(caKey))
        let caPEM = try ca.serializeAsPEM().pemString
        return SimulatorTLS(
            caPEM: caPEM, chainPEM: try server.serializeAsPEM().pemString + "\n" + caPEM,
            keyPEM: serverKey.pemRepresentation)
    }
}
