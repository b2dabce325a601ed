import Foundation
import MDETestSupport
import Testing

@testable import LedgerPostgres

/// The location rules are pure: hosts and TLS are judged from the text, nothing connects.
@Suite struct PostgresLocationTests {
    let environment = ["HOME": "/home/admin", "USER": "admin"]

    @Test func aFullURLNamesHostPortUserAndDatabase() throws {
        let location = try PostgresLocation.parse(
            "postgresql://ledger@db.example.jp:6432/mde", environment: environment)
        #expect(location.endpoint == .tcp(host: "db.example.jp", port: 6432))
        #expect(location.user == "ledger")
        #expect(location.database == "mde")
        #expect(location.passwordFile == "/home/admin/.pgpass")
        #expect(location.description == "postgresql://ledger@db.example.jp:6432/mde")
    }

    @Test func whatTheURLLeavesOutComesFromTheEnvironmentThenLibpqsDefaults() throws {
        let fromEnvironment = try PostgresLocation.parse(
            "postgresql://",
            environment: environment.merging(
                [
                    "PGHOST": "10.0.0.5", "PGPORT": "5433", "PGUSER": "svc", "PGDATABASE": "ledger",
                    "PGPASSFILE": "/etc/mde/pgpass",
                ]) { $1 })
        #expect(fromEnvironment.endpoint == .tcp(host: "10.0.0.5", port: 5433))
        #expect(fromEnvironment.user == "svc")
        #expect(fromEnvironment.database == "ledger")
        #expect(fromEnvironment.passwordFile == "/etc/mde/pgpass")
        let defaults = try PostgresLocation.parse("postgres://", environment: environment)
        #expect(defaults.endpoint == .socket(folder: "/var/run/postgresql", port: 5432))
        #expect(defaults.user == "admin")
        #expect(defaults.database == "admin")
        #expect(defaults.security == .none)
    }

    @Test func aSocketFolderIsAHostParameterOrAnEncodedHost() throws {
        let parameter = try PostgresLocation.parse("postgresql:///mde?host=/tmp/pg&port=5999", environment: environment)
        #expect(parameter.endpoint == .socket(folder: "/tmp/pg", port: 5999))
        let encoded = try PostgresLocation.parse("postgresql://%2Ftmp%2Fpg/mde", environment: environment)
        #expect(encoded.endpoint == .socket(folder: "/tmp/pg", port: 5432))
    }

    @Test(arguments: [
        "postgresql://ledger:s3cret@db.example.jp/mde", "postgresql://db.example.jp/mde?password=s3cret",
    ])
    func aPasswordInTheURLIsRefusedWithThePasswordFileAsTheFix(url: String) {
        let error = #expect(throws: PostgresLocationError.self) {
            try PostgresLocation.parse(url, environment: environment)
        }
        #expect(error?.description.contains("password file") == true)
        #expect(error?.description.contains("s3cret") == false)
    }

    @Test func offLoopbackTLSIsRequiredAndVerifiedFullyWhenACAIsGiven() throws {
        let plain = try PostgresLocation.parse("postgresql://db.example.jp/mde", environment: environment)
        #expect(plain.security == .require(verifyChain: false, verifyHost: false, rootCertificate: nil))
        let withCA = try PostgresLocation.parse(
            "postgresql://db.example.jp/mde?sslrootcert=/etc/ssl/corp-ca.pem", environment: environment)
        #expect(
            withCA.security == .require(verifyChain: true, verifyHost: true, rootCertificate: "/etc/ssl/corp-ca.pem"))
        let fromEnvironment = try PostgresLocation.parse(
            "postgresql://db.example.jp/mde", environment: environment.merging(["PGSSLMODE": "verify-ca"]) { $1 })
        #expect(fromEnvironment.security == .require(verifyChain: true, verifyHost: false, rootCertificate: nil))
    }

    @Test(arguments: ["disable", "allow", "prefer"])
    func offLoopbackAnythingWeakerThanRequireIsRefused(mode: String) {
        let error = #expect(throws: PostgresLocationError.self) {
            try PostgresLocation.parse("postgresql://db.example.jp/mde?sslmode=\(mode)", environment: environment)
        }
        #expect(error?.description.contains("sslmode=require") == true)
    }

    @Test func onLoopbackLibpqsPreferIsTheDefaultAndDisableIsAllowed() throws {
        #expect(try PostgresLocation.parse("postgresql://127.0.0.1/mde", environment: environment).security == .prefer)
        #expect(try PostgresLocation.parse("postgresql://[::1]:5432/mde", environment: environment).security == .prefer)
        #expect(
            try PostgresLocation.parse("postgresql://localhost/mde?sslmode=disable", environment: environment).security
                == .none)
        // Judged by the text: a name that merely resolves to loopback is not loopback.
        #expect(throws: PostgresLocationError.self) {
            try PostgresLocation.parse("postgresql://localhost.example/mde?sslmode=disable", environment: environment)
        }
    }

    @Test func unknownParametersModesAndPortsAreRefusedByName() {
        for (url, named) in [
            ("postgresql://h/mde?sslmod=require", "sslmod"), ("postgresql://h/mde?sslmode=strict", "strict"),
            ("postgresql://h:0/mde", "port"), ("file:///tmp/ledger.sqlite", "not a PostgreSQL URL"),
        ] {
            let error = #expect(throws: PostgresLocationError.self) {
                try PostgresLocation.parse(url, environment: environment)
            }
            #expect(error?.description.contains(named) == true, "\(url)")
        }
    }

    @Test func thePasswordFileMatchesWithWildcardsAndEscapes() {
        let text = """
            # comment
            other.example:5432:mde:ledger:wrong
            db.example.jp:*:mde:ledger:pa\\:ss\\\\word
            *:*:*:*:fallback
            """
        #expect(
            PasswordFile.match(text: text, host: "db.example.jp", port: 6432, database: "mde", user: "ledger")
                == "pa:ss\\word")
        #expect(PasswordFile.match(text: text, host: "x", port: 1, database: "y", user: "z") == "fallback")
        #expect(PasswordFile.match(text: "h:1:d:u", host: "h", port: 1, database: "d", user: "u") == nil)
    }

    @Test func aPasswordFileOthersCanReadIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("pgpass")
        try "*:*:*:*:secret\n".write(toFile: path, atomically: true, encoding: .utf8)
        let location = try PostgresLocation.parse(
            "postgresql://db.example.jp/mde?passfile=\(path)", environment: environment)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let error = #expect(throws: PostgresLocationError.self) { try PasswordFile.password(for: location) }
        #expect(error?.description.contains("chmod 0600") == true)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try PasswordFile.password(for: location) == "secret")
    }
}
