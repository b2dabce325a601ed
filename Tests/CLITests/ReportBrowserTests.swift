import Foundation
import MDETestSupport
import Testing

/// The HTML report in a real browser: headless Chromium builds the page and its DOM holds the chart's bars and
/// the table rows, with the hostile name as text (no script element). Skipped when Chromium is not installed.
// One Chromium at a time: each takes most of a core, and the suite shares two with every other test.
@Suite(.serialized) struct ReportBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (apt-get install -y chromium)"))
    func chromiumRendersTheChartAndTable() async throws {
        let page = TestFiles.inRepository("Tests/Golden/reports/license-compliance.html")
        let scratch = try TemporaryFolder()
        let dom = await Self.chromium(["--dump-dom", "file://\(page)"], profile: scratch.path("profile"))
        #expect(dom.contains("<svg"), "the browser built the chart")
        #expect(dom.components(separatedBy: "<rect").count > 5, "bars for the states")
        #expect(dom.components(separatedBy: "<tr>").count > 10, "table rows")
        #expect(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the hostile name stays text")
        #expect(!dom.contains("<script"))
    }

    /// Runs Chromium headless with `arguments` and returns what it printed.
    static func chromium(_ arguments: [String], profile: String) async -> String {
        await onOwnThread { () -> String in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.chromium!)
            process.arguments =
                ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)"] + arguments
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return "" }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// A page of our own that loads the report in a frame of a given width and measures it with the browser's
    /// layout: every chart label inside its chart, no table box past the page's edge, no sideways scrolling.
    /// With `print`, the report's `@media print` rules are applied as screen rules at A4 landscape's printable
    /// width (277 mm, 1047 px), which is the layout the PDF gets.
    static func measuringPage(report: String, width: Int, print: Bool) -> String {
        """
        <!DOCTYPE html><html><body style="margin:0">
        <iframe id="r" src="file://\(report)" style="width:\(width)px;height:4000px;border:0"></iframe>
        <pre id="out">pending</pre>
        <script>
        window.addEventListener('load', () => { try {
          const d = document.getElementById('r').contentDocument;
          if (\(print)) {
            const style = d.createElement('style');
            for (const sheet of d.styleSheets) for (const rule of sheet.cssRules)
              if (rule.media && rule.media.mediaText === 'print')
                for (const inner of rule.cssRules) if (!inner.cssText.startsWith('@page')) style.textContent += inner.cssText;
            d.head.appendChild(style);
          }
          const W = d.documentElement.clientWidth, problems = [];
          let texts = 0;
          for (const svg of d.querySelectorAll('svg')) {
            const box = svg.getBoundingClientRect();
            if (box.right > W + 0.5) problems.push('chart wider than the page');
            for (const t of svg.querySelectorAll('text')) {
              texts++;
              const b = t.getBoundingClientRect();
              if (b.right > box.right + 0.5 || b.left < box.left - 0.5) problems.push('clipped: ' + t.textContent);
            }
          }
          for (const table of d.querySelectorAll('table')) {
            const b = table.parentElement.getBoundingClientRect();
            if (b.right > W + 0.5) problems.push('table runs off the page at ' + Math.round(b.right));
          }
          if (d.documentElement.scrollWidth > W + 1) problems.push('page scrolls sideways: ' + d.documentElement.scrollWidth);
          document.getElementById('out').textContent =
            'measured ' + texts + ' labels, ' + d.querySelectorAll('table').length + ' tables; problems: ' +
            problems.length + '\\n' + problems.join('\\n');
        } catch (e) { document.getElementById('out').textContent = 'error: ' + e; } });
        </script></body></html>
        """
    }

    @Test(
        .enabled(if: chromium != nil, "chromium is not installed (apt-get install -y chromium)"),
        // The Japanese pages too: wider glyphs, longer headings, the same layout rules.
        arguments: [
            "monthly-trend", "license-compliance", "still-reporting", "license-compliance.ja", "offboard-backlog.ja",
        ])
    func nothingIsClippedAt1400PixelsOrInPrint(report: String) async throws {
        let page = TestFiles.inRepository("Tests/Golden/reports/\(report).html")
        let scratch = try TemporaryFolder()
        for (width, print) in [(1400, false), (1047, true)] {
            let wrapper = scratch.path("measure-\(width).html")
            try Self.measuringPage(report: page, width: width, print: print).write(
                toFile: wrapper, atomically: true, encoding: .utf8)
            let dom = await Self.chromium(
                ["--allow-file-access-from-files", "--virtual-time-budget=10000", "--dump-dom", "file://\(wrapper)"],
                profile: scratch.path("profile"))
            let out = dom.components(separatedBy: "<pre id=\"out\">").last?.components(separatedBy: "</pre>").first
            let result = try #require(out, "\(report): no result in \(dom)")
            #expect(result.hasPrefix("measured "), "\(report): the page was not measured: \(result)")
            #expect(result.contains("problems: 0"), "\(report) at \(width) px\(print ? " (print)" : ""): \(result)")
            #expect(!result.contains("measured 0 labels, 0 tables"), "\(report): nothing was measured")
        }
        // And the PDF itself: Chromium prints the page.
        let pdf = scratch.path("\(report).pdf")
        _ = await Self.chromium(
            ["--no-pdf-header-footer", "--print-to-pdf=\(pdf)", "file://\(page)"], profile: scratch.path("profile"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: pdf))
        #expect(bytes.starts(with: Data("%PDF-".utf8)) && bytes.count > 2_000, "\(bytes.count) bytes")
    }
}
