/// Reads typed fields from one JSON object, tolerating absence and `null`, refusing wrong types.
package struct FieldReader {
    let members: [String: JSONValue]

    package init(_ json: JSONValue, what: String) throws {
        guard case .object(let members) = json else {
            throw MDEDecodingError("expected \(what) object, found \(json.kindDescription)")
        }
        self.members = members
    }

    /// The value of the first of `keys` that is present and not null.
    package func value(_ keys: [String]) -> (key: String, value: JSONValue)? {
        for key in keys {
            if let value = members[key], !value.isNull { return (key, value) }
        }
        return nil
    }

    package func requiredID() throws -> String {
        guard let found = value(["id"]) else { throw MDEDecodingError("missing 'id'") }
        // A number is refused, not converted: `1e300` would become the id "1e+300".
        guard case .string(let id) = found.value, !id.isEmpty else {
            throw MDEDecodingError("'id' is \(found.value.kindDescription), expected a non-empty string")
        }
        guard !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw MDEDecodingError("'id' \(ErrorText.quoted(id)) contains a control character (NUL, line break…)")
        }
        return id
    }

    package func string(_ keys: String...) throws -> String? {
        guard let found = value(keys) else { return nil }
        guard case .string(let text) = found.value else {
            throw MDEDecodingError("'\(found.key)' is \(found.value.kindDescription), expected a string")
        }
        return try noNUL(text, found.key)
    }

    /// SQLite text is bound up to its first NUL, so a NUL would silently cut the stored value short.
    package func noNUL(_ text: String, _ key: String) throws -> String {
        guard !text.utf8.contains(0) else {
            throw MDEDecodingError("'\(key)' contains a NUL character: \(ErrorText.quoted(text))")
        }
        return text
    }

    /// A string or a number, as text (the service sends some ids as numbers although the docs say string).
    package func stringOrNumber(_ key: String) throws -> String? {
        guard let found = value([key]) else { return nil }
        guard let text = found.value.stringValue else {
            throw MDEDecodingError("'\(key)' is \(found.value.kindDescription), expected a string or a number")
        }
        return try noNUL(text, key)
    }

    /// A timestamp as canonical UTC text.
    package func time(_ keys: String...) throws -> String? {
        guard let found = value(keys) else { return nil }
        guard case .string(let text) = found.value else {
            throw MDEDecodingError("'\(found.key)' is \(found.value.kindDescription), expected a date-time string")
        }
        guard let canonical = UTCTime.canonical(text) else {
            throw MDEDecodingError(
                "'\(found.key)' is not an ISO-8601 date-time with a zone: \(ErrorText.quoted(text))")
        }
        return canonical
    }

    package func bool(_ key: String) throws -> Bool? {
        guard let found = value([key]) else { return nil }
        guard case .bool(let flag) = found.value else {
            throw MDEDecodingError("'\(key)' is \(found.value.kindDescription), expected a boolean")
        }
        return flag
    }

    package func stringArray(_ key: String) throws -> [String] {
        guard let found = value([key]) else { return [] }
        guard case .array(let elements) = found.value else {
            throw MDEDecodingError("'\(key)' is \(found.value.kindDescription), expected an array of strings")
        }
        return try elements.enumerated().map { offset, element in
            guard case .string(let text) = element else {
                throw MDEDecodingError("'\(key)[\(offset)]' is \(element.kindDescription), expected a string")
            }
            return try noNUL(text, "\(key)[\(offset)]")
        }
    }
}
