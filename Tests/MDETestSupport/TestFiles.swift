import Foundation

/// Where the tests find the checkout and the shared fixtures, computed from this file so tests run from any
/// working directory.
public enum TestFiles {
    /// The repository root (`Tests/MDETestSupport/` is two folders below it).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file in the checkout, by its path from the root.
    public static func inRepository(_ path: String) -> String {
        repositoryRoot.appendingPathComponent(path).path
    }

    /// One of Microsoft's samples exactly as published (`../shared/fixtures/mde-docs/` beside the checkout).
    public static func published(_ name: String) -> String {
        repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/mde-docs/\(name)").path
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
