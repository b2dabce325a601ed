/// `$select`, `$orderby` and `$count`: how a list is shaped, parsed here and checked against the entity by
/// `PropertySelection` and `ListOrdering`.
extension ListQuery {
    /// One `$orderby` key: a property and its direction.
    struct OrderKey: Equatable {
        var name: String
        var descending: Bool
    }

    /// `$select=id,computerDnsName` → the names, in the order given.
    static func parseSelect(_ value: String) throws(ODataError) -> [String] {
        let names = value.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard !names.contains(where: \.isEmpty) else {
            throw ODataError(
                message: "invalid $select '\(value)'; name properties separated by commas, e.g. id,lastSeen")
        }
        return names
    }

    /// `$orderby=lastSeen desc,computerDnsName` → keys; the direction is `asc` (the default) or `desc`.
    static func parseOrderBy(_ value: String) throws(ODataError) -> [OrderKey] {
        var keys: [OrderKey] = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let words = item.split(separator: " ").map(String.init)
            guard (1...2).contains(words.count), words.count == 1 || ["asc", "desc"].contains(words[1].lowercased())
            else {
                throw ODataError(
                    message: "invalid $orderby '\(value)'; write PROPERTY [asc|desc], separated by commas, "
                        + "e.g. lastSeen desc")
            }
            keys.append(OrderKey(name: words[0], descending: words.count == 2 && words[1].lowercased() == "desc"))
        }
        return keys
    }

    /// `$count=true|false`.
    static func parseCount(_ value: String) throws(ODataError) -> Bool {
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw ODataError(message: "invalid value '\(value)' for $count; use true or false")
        }
    }
}
