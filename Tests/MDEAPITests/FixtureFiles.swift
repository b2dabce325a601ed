import Foundation
import MDETestSupport

/// Fixture bytes for the decoding tests; the files live once in `Tests/Fixtures/` (see its README).
enum FixtureFiles {
    /// Microsoft's samples exactly as published.
    static func published(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: TestFiles.published(name)))
    }

    /// Corrected copies of the samples that do not parse.
    static func corrected(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: TestFiles.corrected(name)))
    }
}
