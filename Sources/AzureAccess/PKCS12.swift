import Crypto
import Foundation
import SwiftASN1
import _CryptoExtras

/// Opens a PKCS#12 (`.pfx`) file as Windows and OpenSSL 3 write it by default: PBES2 encryption (PBKDF2 with
/// HMAC-SHA-1/256/384/512, AES-128/192/256-CBC) and an HMAC integrity check keyed by the PKCS#12 key derivation
/// (RFC 7292, appendix B). The DER structure is read with swift-asn1; the older RC2/3DES encryptions
/// (`TripleDES-SHA1` in Windows' export wizard, OpenSSL's `-legacy`) are refused with the conversion to use.
enum PKCS12 {
    /// The certificates (DER) and the private keys (PKCS#8 DER) the file holds.
    struct Contents {
        var certificates: [[UInt8]] = []
        var keys: [[UInt8]] = []
    }

    /// Why the file cannot be used, as a phrase after the file's name.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let data: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 7, 1]
    static let encryptedData: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 7, 6]
    static let keyBag: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 12, 10, 1, 1]
    static let shroudedKeyBag: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 12, 10, 1, 2]
    static let certBag: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 12, 10, 1, 3]
    static let x509Certificate: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 22, 1]
    static let pbes2: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 5, 13]
    static let pbkdf2: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 5, 12]

    static let legacy = Failure(
        description: "is encrypted the legacy way (RC2 or 3DES, Windows' TripleDES-SHA1 export); export it again with "
            + "AES256-SHA256, or convert it once with 'openssl pkcs12 -legacy -in FILE.pfx -nodes -out FILE.pem' and "
            + "chmod 600 FILE.pem")

    /// Reads the file's certificates and keys with `password`.
    static func open(_ bytes: [UInt8], password: String) throws -> Contents {
        let pfx = try children(parse(bytes))
        guard pfx.count >= 2, (try? Int(derEncoded: pfx[0])) == 3 else {
            throw Failure(description: "is not a PKCS#12 file (no version 3 PFX structure)")
        }
        let authSafe = try children(pfx[1])
        guard authSafe.count == 2, try oid(authSafe[0]) == data else {
            throw Failure(description: "is signed with a public key (PKCS#12 public-key integrity), which is not read")
        }
        let safe = try octets(explicit(authSafe[1]))
        guard pfx.count > 2 else {
            throw Failure(description: "has no password integrity check (MAC); export it with a password")
        }
        try verifyMAC(pfx[2], content: safe, password: password)
        var contents = Contents()
        for info in try children(parse(safe)) {
            let parts = try children(info)
            guard parts.count == 2 else { throw malformed }
            switch try oid(parts[0]) {
            case data:
                try readBags(octets(explicit(parts[1])), password: password, into: &contents)
            case encryptedData:
                let encrypted = try children(explicit(parts[1]))
                guard encrypted.count == 2 else { throw malformed }
                let info = try children(encrypted[1])
                guard info.count == 3 else { throw malformed }
                let plain = try decrypt(algorithm: info[1], ciphertext: implicitOctets(info[2]), password: password)
                try readBags(plain, password: password, into: &contents)
            default:
                throw Failure(description: "holds content of a kind that is not read (enveloped data)")
            }
        }
        return contents
    }

    /// Decrypts a PKCS#8 `EncryptedPrivateKeyInfo` (DER) to its `PrivateKeyInfo` (an encrypted PEM key).
    static func decryptPrivateKey(_ der: [UInt8], password: String) throws -> [UInt8] {
        let parts = try children(parse(der))
        guard parts.count == 2 else { throw malformed }
        return try decrypt(algorithm: parts[0], ciphertext: octets(parts[1]), password: password)
    }

    private static func readBags(_ bytes: [UInt8], password: String, into contents: inout Contents) throws {
        for bag in try children(parse(bytes)) {
            let parts = try children(bag)
            guard parts.count >= 2 else { throw malformed }
            let value = try explicit(parts[1])
            switch try oid(parts[0]) {
            case keyBag:
                contents.keys.append(Array(value.encodedBytes))
            case shroudedKeyBag:
                contents.keys.append(try decryptPrivateKey(Array(value.encodedBytes), password: password))
            case certBag:
                let cert = try children(value)
                guard cert.count == 2 else { throw malformed }
                if try oid(cert[0]) == x509Certificate { contents.certificates.append(try octets(explicit(cert[1]))) }
            default:
                continue  // CRL and secret bags: nothing to use here
            }
        }
    }

    /// PBES2 (RFC 8018): PBKDF2 derives the AES key from the password's UTF-8 bytes, AES-CBC decrypts.
    private static func decrypt(algorithm: ASN1Node, ciphertext: [UInt8], password: String) throws -> [UInt8] {
        let alg = try children(algorithm)
        guard !alg.isEmpty else { throw malformed }
        guard try oid(alg[0]) == pbes2, alg.count == 2 else { throw legacy }
        let params = try children(alg[1])
        guard params.count == 2 else { throw malformed }
        let kdf = try children(params[0])
        guard kdf.count == 2, try oid(kdf[0]) == pbkdf2 else {
            throw Failure(description: "derives its key with a function other than PBKDF2, which is not read")
        }
        let kdfParams = try children(kdf[1])
        guard kdfParams.count >= 2 else { throw malformed }
        let salt = try octets(kdfParams[0])
        let rounds = try Int(derEncoded: kdfParams[1])
        // A file is input: an absurd count would keep the process busy for hours.
        guard (1...10_000_000).contains(rounds) else {
            throw Failure(description: "asks for \(rounds) PBKDF2 rounds, outside 1 to 10,000,000")
        }
        var prf = KDF.Insecure.PBKDF2.HashFunction.insecureSHA1
        for node in kdfParams.dropFirst(2) where node.identifier == .sequence {
            prf = try pbkdf2Hash(oid(firstChild(node)))
        }
        let scheme = try children(params[1])
        guard scheme.count == 2 else { throw malformed }
        let keySize: Int
        switch try oid(scheme[0]) {
        case [2, 16, 840, 1, 101, 3, 4, 1, 2]: keySize = 16
        case [2, 16, 840, 1, 101, 3, 4, 1, 22]: keySize = 24
        case [2, 16, 840, 1, 101, 3, 4, 1, 42]: keySize = 32
        default: throw legacy
        }
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: prf, outputByteCount: keySize,
            unsafeUncheckedRounds: rounds)
        do {
            return Array(try AES._CBC.decrypt(ciphertext, using: key, iv: AES._CBC.IV(ivBytes: octets(scheme[1]))))
        } catch {
            throw Failure(description: "cannot be decrypted with this password; check the password")
        }
    }

    private static func pbkdf2Hash(_ prf: ASN1ObjectIdentifier) throws -> KDF.Insecure.PBKDF2.HashFunction {
        switch prf {
        case [1, 2, 840, 113_549, 2, 7]: return .insecureSHA1
        case [1, 2, 840, 113_549, 2, 9]: return .sha256
        case [1, 2, 840, 113_549, 2, 10]: return .sha384
        case [1, 2, 840, 113_549, 2, 11]: return .sha512
        default: throw Failure(description: "uses a PBKDF2 hash that is not read (\(prf))")
        }
    }

    /// The file's HMAC over its content, keyed by the PKCS#12 KDF of the password: a wrong password is named
    /// here, before anything is decrypted.
    private static func verifyMAC(_ node: ASN1Node, content: [UInt8], password: String) throws {
        let mac = try children(node)
        guard mac.count >= 2 else { throw malformed }
        let digestInfo = try children(mac[0])
        guard digestInfo.count == 2 else { throw malformed }
        let algorithm = try oid(firstChild(digestInfo[0]))
        let expected = try octets(digestInfo[1])
        let salt = try octets(mac[1])
        let rounds = mac.count > 2 ? try Int(derEncoded: mac[2]) : 1
        guard (1...10_000_000).contains(rounds) else {
            throw Failure(description: "asks for \(rounds) MAC rounds, outside 1 to 10,000,000")
        }
        // The password as a BMPString: UTF-16 big-endian with two zero bytes at the end (RFC 7292, B.1).
        let bmp: [UInt8] = password.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } + [0, 0]
        func check<H: HashFunction>(_: H.Type) -> Bool {
            let key = derive(H.self, password: bmp, salt: salt, id: 3, rounds: rounds, length: H.Digest.byteCount)
            let code = HMAC<H>.authenticationCode(for: content, using: SymmetricKey(data: key))
            return Array(code) == expected
        }
        let matches: Bool
        switch algorithm {
        case [1, 3, 14, 3, 2, 26]: matches = check(Insecure.SHA1.self)
        case [2, 16, 840, 1, 101, 3, 4, 2, 1]: matches = check(SHA256.self)
        case [2, 16, 840, 1, 101, 3, 4, 2, 2]: matches = check(SHA384.self)
        case [2, 16, 840, 1, 101, 3, 4, 2, 3]: matches = check(SHA512.self)
        default: throw Failure(description: "has an integrity check with a hash that is not read (\(algorithm))")
        }
        guard matches else {
            throw Failure(
                description: "does not open with this password (its integrity check fails); check the password")
        }
    }

    /// The PKCS#12 key derivation (RFC 7292, appendix B.2) for purpose `id` (3: MAC key).
    static func derive<H: HashFunction>(
        _: H.Type, password: [UInt8], salt: [UInt8], id: UInt8, rounds: Int, length: Int
    ) -> [UInt8] {
        let v = H.blockByteCount
        func stretch(_ bytes: [UInt8]) -> [UInt8] {
            guard !bytes.isEmpty else { return [] }
            let count = v * ((bytes.count + v - 1) / v)
            return (0..<count).map { bytes[$0 % bytes.count] }
        }
        let d = [UInt8](repeating: id, count: v)
        var i = stretch(salt) + stretch(password)
        var out: [UInt8] = []
        while out.count < length {
            var a = Array(H.hash(data: d + i))
            for _ in 1..<rounds { a = Array(H.hash(data: a)) }
            out += a
            let b = stretch(a)
            // Each v-byte block of I becomes (I_j + B + 1) mod 2^(8v).
            for block in stride(from: 0, to: i.count, by: v) {
                var carry = 1
                for k in (0..<v).reversed() {
                    let sum = Int(i[block + k]) + Int(b[k]) + carry
                    i[block + k] = UInt8(sum & 0xFF)
                    carry = sum >> 8
                }
            }
        }
        return Array(out.prefix(length))
    }

    // MARK: DER navigation (swift-asn1 parses; these only walk its nodes)

    static let malformed = Failure(description: "is not a well-formed PKCS#12 file (unexpected DER structure)")

    private static func parse(_ bytes: [UInt8]) throws -> ASN1Node {
        do { return try DER.parse(bytes) } catch {
            throw Failure(description: "is not DER-encoded PKCS#12 (\(error)); convert it with 'openssl pkcs12'")
        }
    }

    private static func children(_ node: ASN1Node) throws -> [ASN1Node] {
        guard case .constructed(let nodes) = node.content else { throw malformed }
        return Array(nodes)
    }

    /// The first element of a SEQUENCE (an AlgorithmIdentifier's OID); a malformed file is an error, not a crash.
    private static func firstChild(_ node: ASN1Node) throws -> ASN1Node {
        guard let first = try children(node).first else { throw malformed }
        return first
    }

    private static func explicit(_ node: ASN1Node) throws -> ASN1Node {
        guard node.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific),
            let only = try children(node).first
        else { throw malformed }
        return only
    }

    private static func oid(_ node: ASN1Node) throws -> ASN1ObjectIdentifier {
        do { return try ASN1ObjectIdentifier(derEncoded: node) } catch { throw malformed }
    }

    private static func octets(_ node: ASN1Node) throws -> [UInt8] {
        do { return Array(try ASN1OctetString(derEncoded: node).bytes) } catch { throw malformed }
    }

    private static func implicitOctets(_ node: ASN1Node) throws -> [UInt8] {
        do { return Array(try ASN1OctetString(derEncoded: node, withIdentifier: node.identifier).bytes) } catch {
            throw malformed
        }
    }
}
