import AzureAccess
import Foundation

/// The pages of one listing, fetched lazily as the caller iterates (`for try await page in client.machines()`).
///
/// Paging (mde-api.md §4): `$top=pageSize&$skip=n·pageSize` until a page is shorter than `pageSize`; when the
/// service sends `@odata.nextLink` (it does when `$top` is absent) that link is followed instead, and its absence
/// ends the listing. Items whose id appeared on an earlier page are dropped. A nextLink seen twice, a link to
/// another host, or a full page of nothing but repeats stops with an `MDEAPIError` instead of looping.
public struct MDEPages<Item: Sendable>: AsyncSequence, Sendable {
    public typealias Element = MDEPage<Item>

    let client: MDEClient
    let path: String
    let filter: String?
    let pageSize: Int
    let notFoundIsEmpty: Bool
    /// `false` leaves `$top`/`$skip` out, so the service pages with `@odata.nextLink` (used by tests).
    let sendsTop: Bool
    let decode: @Sendable (JSONValue) throws -> Item
    let id: @Sendable (Item) -> String

    init(
        client: MDEClient, path: String, filter: String?, pageSize: Int, notFoundIsEmpty: Bool, sendsTop: Bool = true,
        decode: @escaping @Sendable (JSONValue) throws -> Item, id: @escaping @Sendable (Item) -> String
    ) {
        precondition((1...10_000).contains(pageSize), "pageSize must be 1...10000 (the service's maximum)")
        self.client = client
        self.path = path
        self.filter = filter
        self.pageSize = pageSize
        self.notFoundIsEmpty = notFoundIsEmpty
        self.sendsTop = sendsTop
        self.decode = decode
        self.id = id
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(pages: self)
    }

    /// The URL of the `$top`/`$skip` page starting at `skip`, with the filter percent-encoded.
    func pageURL(skip: Int) -> String {
        var query = sendsTop ? ["$top=\(pageSize)", "$skip=\(skip)"] : []
        if let filter {
            let encoded = filter.addingPercentEncoding(withAllowedCharacters: QueryEncoding.unreserved) ?? filter
            query.append("$filter=" + encoded)
        }
        let url = client.endpoints.baseURL.absoluteString + path
        return query.isEmpty ? url : url + "?" + query.joined(separator: "&")
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let pages: MDEPages
        var nextLink: String?
        var followingLinks = false
        var skip = 0
        var index = 0
        var finished = false
        var seenIDs = SeenIDs()
        var requestedURLs: Set<String> = []

        init(pages: MDEPages) {
            self.pages = pages
        }

        public mutating func next() async throws -> MDEPage<Item>? {
            guard !finished else { return nil }
            // Any error ends the listing; a caller that catches and iterates again gets nil, not a repeat.
            finished = true
            let url = nextLink ?? pages.pageURL(skip: skip)
            guard requestedURLs.insert(url).inserted else {
                throw pagingError("the service sent an @odata.nextLink that was already fetched; paging stopped")
            }
            index += 1
            let response = try await pages.client.send(
                APIRequest(method: "GET", path: pages.path, url: url, notFoundIsAnswer: pages.notFoundIsEmpty))
            if response.status == 404 { return MDEPage(items: [], serverDate: response.serverDate, index: index) }

            let place = "page \(index) of \(pages.path)"
            guard case .array(let values) = response.json["value"] else {
                throw MDEDecodingError("expected an object with a 'value' array").at(place)
            }
            var items: [Item] = []
            items.reserveCapacity(values.count)
            // Only when every item's text was captured can texts stay aligned with the de-duplicated items.
            let texts = response.itemTexts.flatMap { $0.count == values.count ? $0 : nil }
            var rawTexts: [String] = []
            for (offset, value) in values.enumerated() {
                do {
                    let item = try pages.decode(value)
                    if seenIDs.insert(pages.id(item)) {
                        items.append(item)
                        if let texts { rawTexts.append(texts[offset]) }
                    }
                } catch let error as MDEDecodingError {
                    throw error.at("value[\(offset)]").at(place)
                }
            }
            if let link = response.json["@odata.nextLink"]?.stringValue {
                nextLink = try sameOriginURL(link)
                followingLinks = true
            } else if followingLinks || !pages.sendsTop || values.count < pages.pageSize {
                return MDEPage(items: items, serverDate: response.serverDate, index: index, rawTexts: rawTexts)
            } else {
                skip += pages.pageSize
            }
            if items.isEmpty, !values.isEmpty {
                // A full page of repeats means the service ignores $skip (or loops); stop rather than spin.
                throw pagingError("page \(index) repeated only items of earlier pages; paging stopped")
            }
            finished = false
            return MDEPage(items: items, serverDate: response.serverDate, index: index, rawTexts: rawTexts)
        }

        /// The nextLink as an absolute URL on the API's own scheme, host and port (the token must not travel elsewhere).
        private func sameOriginURL(_ link: String) throws -> String {
            let base = pages.client.endpoints.baseURL
            guard let url = URL(string: link, relativeTo: base)?.absoluteURL,
                url.scheme?.lowercased() == base.scheme?.lowercased(),
                url.host?.lowercased() == base.host?.lowercased(), url.port == base.port
            else {
                throw pagingError(
                    "the service sent an @odata.nextLink to another host (\(ErrorText.escaped(link))); paging stopped")
            }
            return url.absoluteString
        }

        private func pagingError(_ message: String) -> MDEAPIError {
            MDEAPIError(status: nil, method: "GET", endpoint: pages.path, message: message)
        }
    }
}
