import MDEAPI

/// One machine or machine action object read from a file, with where it came from.
struct ImportItem: Sendable {
    /// The file as given on the command line.
    var file: String
    /// Where in the file: `value[3]`, `[0]`, `the object` (JSON) or `line 7` (CSV).
    var place: String
    /// The object in the API's shape, as `Machine(json:)` and `MachineAction(json:)` read it.
    var json: JSONValue

    /// `file: place` or, for CSV lines, `file:7`.
    var location: String {
        place.hasPrefix("line ") ? "\(file):\(place.dropFirst(5))" : "\(file): \(place)"
    }
}
