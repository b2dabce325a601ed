import Foundation

/// Writes report output so a reader never sees half a file: a temporary file beside the target, readable by
/// its owner only (0600), flushed, then renamed over the target.
public enum ReportFileWriter {
    /// - Throws: `ReportError` naming the path and the system's reason.
    public static func write(_ text: String, to path: String) throws {
        let target = URL(fileURLWithPath: path)
        let folder = target.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        let fd = open(temporary.path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard fd >= 0 else { throw failure(path) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else {
                let error = failure(path)
                close(fd)
                unlink(temporary.path)
                throw error
            }
            written += count
        }
        let synced = fsync(fd) == 0
        close(fd)
        guard synced, rename(temporary.path, target.path) == 0 else {
            let error = failure(path)
            unlink(temporary.path)
            throw error
        }
    }

    private static func failure(_ path: String) -> ReportError {
        ReportError(
            "cannot write \(path): \(String(cString: strerror(errno))); check that the folder exists and is writable")
    }
}
