import AzureAccess
import Foundation

/// One response page of a list.
public struct MDEPage<Item: Sendable>: Sendable {
    /// The page's items, without ids already returned by an earlier page of the same listing.
    public var items: [Item]
    /// The HTTP `Date` header of the response (`nil` when absent): the service's "now" for this page.
    public var serverDate: Date?
    /// 1 for the first page.
    public var index: Int
    /// Each item's JSON exactly as the service sent it, aligned with `items` (empty when not known).
    public var rawTexts: [String]

    public init(items: [Item], serverDate: Date?, index: Int, rawTexts: [String] = []) {
        self.items = items
        self.serverDate = serverDate
        self.index = index
        self.rawTexts = rawTexts
    }
}
