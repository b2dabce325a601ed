import Foundation
import MDETestSupport

/// Paths to fixture files, computed from this file's location so tests run from any working directory.
enum FixtureFiles {
    static let repositoryRoot = TestFiles.repositoryRoot

    /// Microsoft's samples exactly as published (`../shared/fixtures/mde-docs/` beside the repository).
    static func published(_ name: String) throws -> Data {
        try Data(
            contentsOf: repositoryRoot.deletingLastPathComponent()
                .appendingPathComponent("shared/fixtures/mde-docs/\(name)"))
    }

    /// Corrected copies of the samples that do not parse (see Fixtures/README.md).
    static func corrected(_ name: String) throws -> Data {
        try Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/MDEAPITests/Fixtures/\(name)"))
    }
}
