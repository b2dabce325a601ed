/// What the simulator answers: a status, headers and a body, or a broken connection.
struct SimReply: Sendable {
    /// How the transport should misbehave instead of answering normally.
    enum Transport: Sendable, Equatable {
        case normal
        /// Close the connection without writing a response.
        case reset
        /// Send the headers (with the full Content-Length) and half the body, then close.
        case truncate
    }

    static let odataContentType = "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8"

    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    var transport = Transport.normal

    static func json(_ status: Int, _ writer: JSONWriter, contentType: String = odataContentType) -> SimReply {
        var reply = SimReply(status: status, body: writer.bytes)
        reply.headers = [("Content-Type", contentType)]
        if contentType == odataContentType { reply.headers.append(("OData-Version", "4.0")) }
        return reply
    }

    /// MDE's common error shape: `{"error":{"code":…,"message":…,"target":…}}` (common-errors.md).
    static func mdeError(_ status: Int, _ code: String, _ message: String, target: String) -> SimReply {
        var w = JSONWriter()
        w.beginObject()
        w.key("error")
        w.beginObject()
        w.field("code", code)
        w.field("message", message)
        w.field("target", target)
        w.endObject()
        w.endObject()
        return json(status, w, contentType: "application/json; charset=utf-8")
    }

    /// Entra ID's OAuth error shape: `{"error":…,"error_description":…}`.
    static func oauthError(_ status: Int, _ error: String, _ description: String) -> SimReply {
        var w = JSONWriter()
        w.beginObject()
        w.field("error", error)
        w.field("error_description", description)
        w.endObject()
        return json(status, w, contentType: "application/json; charset=utf-8")
    }
}
