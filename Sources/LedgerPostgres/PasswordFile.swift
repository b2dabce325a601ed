import Foundation

/// libpq's password file (`~/.pgpass`, or `PGPASSFILE`): lines of `host:port:database:user:password`, `*` matching
/// anything, `\:` and `\\` escaping, `#` starting a comment. The first matching line wins. As libpq does, a file that
/// others can read is not used: the password would be theirs too.
public enum PasswordFile {
    /// The password for `location` from its password file, or `nil` when the file is missing or has no line for it.
    public static func password(for location: PostgresLocation) throws -> String? {
        let path = location.passwordFile
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        if let mode = attributes[.posixPermissions] as? NSNumber, mode.intValue & 0o077 != 0 {
            throw PostgresLocationError(
                "the password file \(path) can be read by other users (mode \(String(mode.intValue, radix: 8))); "
                    + "run 'chmod 0600 \(path)'")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw PostgresLocationError("the password file \(path) cannot be read as UTF-8 text")
        }
        let (host, port): (String, Int) =
            switch location.endpoint {
            // libpq matches a socket connection against the host name "localhost".
            case .socket(_, let port): ("localhost", port)
            case .tcp(let host, let port): (host, port)
            }
        return match(text: text, host: host, port: port, database: location.database, user: location.user)
    }

    /// The password of the first line of `text` that matches; pure.
    static func match(text: String, host: String, port: Int, database: String, user: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(line)
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// Splits a line at unescaped colons; `\x` stands for `x`.
    private static func split(_ line: Substring) -> [String] {
        var fields = [""]
        var escaped = false
        for character in line {
            if escaped {
                fields[fields.count - 1].append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 5 {
                fields.append("")
            } else {
                fields[fields.count - 1].append(character)
            }
        }
        return fields
    }
}
