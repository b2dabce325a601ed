import Foundation
import MDETestSupport
import Testing

/// The HTML report in a real browser: headless Chromium builds the page and its DOM holds the chart's bars and
/// the table rows, with the hostile name as text (no script element). Skipped when Chromium is not installed.
@Suite struct ReportBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (apt-get install -y chromium)"))
    func chromiumRendersTheChartAndTable() async throws {
        let page = TestFiles.inRepository("Tests/Golden/reports/license-compliance.html")
        let scratch = try TemporaryFolder()
        let dom = try await onOwnThread { () -> String in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.chromium!)
            process.arguments = [
                "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(scratch.path("profile"))",
                "--dump-dom", "file://\(page)",
            ]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return "" }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(dom.contains("<svg"), "the browser built the chart")
        #expect(dom.components(separatedBy: "<rect").count > 5, "bars for the states")
        #expect(dom.components(separatedBy: "<tr>").count > 10, "table rows")
        #expect(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the hostile name stays text")
        #expect(!dom.contains("<script"))
    }
}
