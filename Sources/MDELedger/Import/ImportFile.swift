import Crypto
import Foundation

/// One file named on the command line, read whole and decoded to text.
///
/// Text is UTF-8 (a byte order mark is skipped) or UTF-16 with a byte order mark (Excel's "Unicode text").
/// The format comes from the content: a first non-space character `{` or `[` means JSON, anything else
/// CSV, except that a `.json` file is always read as JSON so a broken one gets the JSON parser's message.
struct ImportFile: Sendable {
    enum Format: String, Sendable { case json, csv }

    /// The path as given, used in every message.
    let path: String
    /// The text without a byte order mark.
    let text: String
    /// SHA-256 of the file's bytes, hex: recorded with the run so an auditor can tie it to the file.
    let sha256: String
    /// The file's size in bytes, recorded beside its SHA-256.
    let bytes: Int
    let format: Format
    let limits: InputLimits

    static func read(_ path: String, limits: InputLimits = .default) throws -> ImportFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError("\(path): no such file; check the path")
        }
        guard !isDirectory.boolValue, let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportError("\(path): cannot be read; check that it is a readable file")
        }
        defer { try? handle.close() }
        // Read in chunks up to one byte past the limit, so neither a huge file nor an endless pipe fills memory.
        var data = Data()
        while data.count <= limits.maxFileBytes {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: min(1 << 20, limits.maxFileBytes + 1 - data.count))
            } catch {
                throw ImportError("\(path): cannot be read (\(error.localizedDescription)); check the file")
            }
            guard let chunk, !chunk.isEmpty else { break }
            data.append(chunk)
        }
        guard data.count <= limits.maxFileBytes else {
            throw ImportError(
                "\(path): the file is larger than \(limits.maxFileBytes >> 20) MB (the limit); split it, or raise the "
                    + "limit with --max-file-mb")
        }
        let digest = SHA256.hash(data: data).hexString
        guard let text = decode(data) else {
            throw ImportError(
                "\(path): is not valid UTF-8 or UTF-16 text; save it as UTF-8 (Excel: 'CSV UTF-8') and import it again")
        }
        guard !text.allSatisfy(\.isWhitespace) else {
            throw ImportError("\(path): the file is empty; export the data again")
        }
        return ImportFile(
            path: path, text: text, sha256: digest, bytes: data.count, format: detect(text, path: path), limits: limits)
    }

    static func decode(_ data: Data) -> String? {
        let bytes = [UInt8](data.prefix(3))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return String(data: data.dropFirst(3), encoding: .utf8) }
        if bytes.starts(with: [0xFF, 0xFE]) { return String(data: data.dropFirst(2), encoding: .utf16LittleEndian) }
        if bytes.starts(with: [0xFE, 0xFF]) { return String(data: data.dropFirst(2), encoding: .utf16BigEndian) }
        return String(data: data, encoding: .utf8)
    }

    static func detect(_ text: String, path: String) -> Format {
        let first = text.unicodeScalars.first { !CharacterSet.whitespacesAndNewlines.contains($0) }
        if first == "{" || first == "[" { return .json }
        return path.lowercased().hasSuffix(".json") ? .json : .csv
    }
}
