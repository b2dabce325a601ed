import Foundation

/// A one-line progress display on a terminal (rewritten in place on stderr); log lines elsewhere.
final class ProgressLine: Sendable {
    let interactive: Bool
    private let enabled: Bool

    init(enabled: Bool) {
        self.enabled = enabled
        self.interactive = isatty(STDERR_FILENO) == 1
    }

    func show(_ text: String) {
        if enabled && interactive {
            // \r + erase-line keeps one line that updates, instead of hundreds of lines for a large tenant.
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
        } else if text.hasPrefix("waiting") {
            // Off a terminal (cron), or with --no-progress, only waits are worth a line: they explain a slow run.
            FileHandle.standardError.write(Data("\(text)\n".utf8))
        }
    }

    /// One line on stderr, off a terminal too (unless `--no-progress`).
    func print(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\(text)\n".utf8))
    }

    func finish() {
        guard enabled, interactive else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
