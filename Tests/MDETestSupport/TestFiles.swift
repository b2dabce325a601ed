import Foundation

/// Where the tests find the checkout and its fixtures, computed from this file so tests run from any
/// working directory.
public enum TestFiles {
    /// The repository root (`Tests/MDETestSupport/` is two folders below it).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file in the checkout, by its path from the root.
    public static func inRepository(_ path: String) -> String {
        repositoryRoot.appendingPathComponent(path).path
    }

    /// One of Microsoft's samples exactly as published (`Tests/Fixtures/published/`, see its README).
    public static func published(_ name: String) -> String {
        inRepository("Tests/Fixtures/published/\(name)")
    }

    /// A corrected copy of a published sample that does not parse (`Tests/Fixtures/corrected/`).
    public static func corrected(_ name: String) -> String {
        inRepository("Tests/Fixtures/corrected/\(name)")
    }

    /// The portal-shaped CSV export written for the tests (`Tests/Fixtures/portal/`).
    public static func portal(_ name: String) -> String {
        inRepository("Tests/Fixtures/portal/\(name)")
    }

    /// A ledger file written by an earlier mde-ledger (`Tests/Fixtures/ledgers/`).
    public static func ledger(_ name: String) -> String {
        inRepository("Tests/Fixtures/ledgers/\(name)")
    }
}

/// A fresh temporary folder per test, removed when the value goes away.
public final class TemporaryFolder: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("mde-ledger-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
