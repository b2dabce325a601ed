// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "mde-ledger",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mde-ledger", targets: ["mde-ledger"]),
        .library(name: "AzureAccess", targets: ["AzureAccess"]),
        .library(name: "MDEAPI", targets: ["MDEAPI"]),
        .library(name: "GraphAPI", targets: ["GraphAPI"]),
        .library(name: "MDELedger", targets: ["MDELedger"]),
        .library(name: "MDESimulator", targets: ["MDESimulator"]),
        .library(name: "LedgerPostgres", targets: ["LedgerPostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // Already a dependency of AsyncHTTPClient; named here to trust an extra CA file (--ca-file).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // Certificate credentials: the app's certificate (X.509) and the client assertion's RSA signature.
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        // swift-certificates' own: the simulator's test certificate names 127.0.0.1 and ::1 as IP addresses.
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // Also AsyncHTTPClient's: its connection errors name a proxy that cannot be reached.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // The PostgreSQL backend (issue 23): the wire protocol, a connection pool, prepared statements, COPY.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // What every Microsoft cloud API client shares: credentials and tokens (secret, certificate, workload and
        // managed identity), clouds, the HTTP transport with proxies, the rate limiter, retries, tolerant JSON.
        .target(
            name: "AzureAccess",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The MDE REST API client: endpoints, paging, the machine and action models, offboarding and tags. No SQLite.
        .target(
            name: "MDEAPI",
            dependencies: [
                "AzureAccess",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The Microsoft Graph client: Intune managed devices, Entra devices, Intune audit events, licences, users.
        .target(
            name: "GraphAPI",
            dependencies: [
                "AzureAccess",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The ledger: store, migrations, sync, lifecycle, reports, offboarding.
        .target(
            name: "MDELedger",
            dependencies: [
                "MDEAPI",
                .product(name: "GRDB", package: "GRDB.swift"),
                // sqlite3_txn_state: kept answers are never read inside a write transaction.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The ledger on PostgreSQL: locations and TLS rules, the password file, the connection pool, and the
        // migrations of migrations/postgres.
        .target(
            name: "LedgerPostgres",
            dependencies: [
                "MDELedger", "AzureAccess",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // `copy` reads a SQLite ledger page by page.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A real HTTP server that speaks the MDE API over a simulated tenant. Deliberately does not
        // import MDEAPI: its JSON is written independently so client field-name mistakes fail tests.
        .target(
            name: "MDESimulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .executableTarget(
            name: "mde-ledger",
            dependencies: [
                "MDEAPI", "GraphAPI", "MDELedger", "MDESimulator", "LedgerPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "MDETestSupport",
            dependencies: [
                "MDESimulator", "MDELedger", "MDEAPI",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            path: "Tests/MDETestSupport"
        ),
        .testTarget(
            name: "MDEAPITests",
            dependencies: [
                "AzureAccess", "MDEAPI", "MDESimulator", "MDETestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .testTarget(
            name: "GraphAPITests",
            dependencies: ["GraphAPI", "MDESimulator", "MDETestSupport"]
        ),
        .testTarget(
            name: "MDESimulatorTests",
            dependencies: [
                "MDESimulator", "MDETestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "MDELedgerTests",
            dependencies: [
                "MDEAPI", "MDELedger", "MDESimulator", "MDETestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                // sqlite3_stmt_status: how many rows a query reads, counted by SQLite rather than timed.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                // CSVOutputTests read what the report writer wrote with the same library's reader.
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        .testTarget(
            name: "LedgerPostgresTests",
            dependencies: [
                "LedgerPostgres", "MDELedger", "MDETestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // SchemaAgreementTests reads the SQLite ledger's own description of its tables.
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "MDETestSupport", "GraphAPI", "LedgerPostgres", .product(name: "GRDB", package: "GRDB.swift"),
                // PostgresCopyCLITests writes the SQLite side of a copy in COPY's text form.
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
)
