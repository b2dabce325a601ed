import Crypto
import Foundation
import MDETestSupport
import Testing
import X509

@testable import AzureAccess

/// PKCS#12 files and encrypted PEM keys, made by the openssl command line from a fresh test certificate: opened
/// with the password, or refused naming the fix.
@Suite struct PKCS12Tests {
    static let password = "pässwort-1234"

    /// Runs `openssl` with `arguments`; true when it succeeded.
    static func openssl(_ arguments: [String]) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// A .pfx of the test certificate and key, written by `openssl pkcs12 -export` with `options`, mode 0600.
    static func pfx(_ app: TestCertificate, in folder: TemporaryFolder, options: [String] = [], password: String)
        throws -> String
    {
        let pem = folder.path("app.pem")
        try app.write(to: pem)
        let out = folder.path("app-\(abs(options.joined().hashValue)).pfx")
        try #require(
            try openssl(["pkcs12", "-export", "-in", pem, "-out", out, "-passout", "pass:\(password)"] + options))
        chmod(out, 0o600)
        return out
    }

    /// The certificate the file holds, as DER, to compare with the test certificate.
    static func der(_ pem: String) throws -> [UInt8] {
        try Certificate(pemEncoded: pem).serializeAsPEM().derBytes
    }

    @Test(arguments: [
        [],  // OpenSSL 3's default: AES-256-CBC, PBKDF2 with HMAC-SHA-256, an HMAC-SHA-256 MAC
        ["-keypbe", "AES-128-CBC", "-certpbe", "AES-128-CBC", "-macalg", "sha1"],
        ["-certpbe", "NONE"],  // certificates unencrypted, the key shrouded
    ])
    func aPFXOpensWithItsPassword(options: [String]) throws {
        let folder = try TemporaryFolder()
        let app = try TestCertificate()
        let file = try Self.pfx(app, in: folder, options: options, password: Self.password)
        let certificate = try ClientCertificate(file: file, password: Self.password)
        #expect(certificate.der == (try Self.der(app.certificatePEM)))
        // The key signs: an assertion is produced (the simulator checks signatures in CertificateCredentialTests).
        let assertion = try certificate.assertion(clientId: "c", audience: "https://127.0.0.1/t", now: Date())
        #expect(assertion.split(separator: ".").count == 3)
    }

    @Test func aWrongOrMissingPasswordIsNamed() throws {
        let folder = try TemporaryFolder()
        let file = try Self.pfx(try TestCertificate(), in: folder, password: Self.password)
        let wrong = #expect(throws: MDEConfigurationError.self) {
            try ClientCertificate(file: file, password: "not the password")
        }
        #expect(wrong?.message.contains("does not open with this password") == true, "\(String(describing: wrong))")
        let missing = #expect(throws: MDEConfigurationError.self) { try ClientCertificate(file: file) }
        #expect(missing?.message.contains("AZURE_CLIENT_CERTIFICATE_PASSWORD") == true)
    }

    /// A damaged file is an error naming the file, never a crash: cut short at every length, and with each byte
    /// of its first 200 flipped.
    @Test func aDamagedPFXIsAnErrorNotACrash() throws {
        let folder = try TemporaryFolder()
        let file = try Self.pfx(try TestCertificate(), in: folder, password: Self.password)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        var variants = stride(from: 1, to: bytes.count, by: 97).map { bytes.prefix($0) }
        for index in 0..<min(200, bytes.count) {
            var flipped = bytes
            flipped[index] ^= 0xFF
            variants.append(flipped)
        }
        let damaged = folder.path("damaged.pfx")
        for variant in variants {
            FileManager.default.createFile(atPath: damaged, contents: variant, attributes: [.posixPermissions: 0o600])
            #expect(throws: MDEConfigurationError.self) {
                try ClientCertificate(file: damaged, password: Self.password)
            }
        }
    }

    @Test func aLegacyPFXIsRefusedWithTheConversion() throws {
        let folder = try TemporaryFolder()
        let file = try Self.pfx(
            try TestCertificate(), in: folder,
            options: ["-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1"],
            password: Self.password)
        let error = #expect(throws: MDEConfigurationError.self) {
            try ClientCertificate(file: file, password: Self.password)
        }
        #expect(error?.message.contains("legacy way (RC2 or 3DES") == true, "\(String(describing: error))")
        #expect(error?.message.contains("openssl pkcs12 -legacy -in FILE.pfx -nodes -out FILE.pem") == true)
    }

    @Test func anEncryptedPEMKeyOpensWithItsPassword() throws {
        let folder = try TemporaryFolder()
        let app = try TestCertificate()
        try app.write(to: folder.path("plain.pem"))
        let key = folder.path("key.pem")
        try #require(
            try Self.openssl([
                "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", folder.path("plain.pem"), "-out", key,
                "-passout", "pass:\(Self.password)",
            ]))
        let bundle = folder.path("bundle.pem")
        let text = app.certificatePEM + "\n" + (try String(contentsOfFile: key, encoding: .utf8))
        FileManager.default.createFile(
            atPath: bundle, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        #expect(text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        let certificate = try ClientCertificate(file: bundle, password: Self.password)
        #expect(certificate.der == (try Self.der(app.certificatePEM)))
        let missing = #expect(throws: MDEConfigurationError.self) { try ClientCertificate(file: bundle) }
        #expect(missing?.message.contains("holds an encrypted private key") == true)
    }

    /// RFC 7292's key derivation against the published test vector (Dr Stephen Henson's PKCS#12 vectors, also in
    /// OpenSSL's and Bouncy Castle's test suites): password "smeg", salt 0A58CF64530D823F, id 1, one iteration,
    /// 24 bytes, SHA-1.
    @Test func theKeyDerivationMatchesOpenSSLsVector() {
        let bmp: [UInt8] = "smeg".utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } + [0, 0]
        let salt: [UInt8] = [0x0A, 0x58, 0xCF, 0x64, 0x53, 0x0D, 0x82, 0x3F]
        let key = PKCS12.derive(Insecure.SHA1.self, password: bmp, salt: salt, id: 1, rounds: 1, length: 24)
        #expect(key.map { String(format: "%02X", $0) }.joined() == "8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3")
    }
}
