import Hummingbird
import HummingbirdCore
import NIOCore

extension SimRequest {
    /// Reads a Hummingbird request, body included (at most 4 MiB; MDE bodies are small).
    init(_ request: Request) async throws {
        var request = request
        let body = try await request.collectBody(upTo: 4 << 20)
        self.init(
            method: request.method.rawValue, path: request.uri.path, rawQuery: request.uri.query ?? "",
            authorization: request.headers[.authorization], host: request.head.authority,
            contentType: request.headers[.contentType], body: Array(buffer: body))
        let fields = request.headers
        func header(_ name: String) -> String? { fields.first { $0.name.canonicalName == name }?.value }
        metadata = header("metadata")
        identityHeader = header("x-identity-header")
        forwarded = header("via") != nil || header("x-forwarded-for") != nil
    }
}

extension SimReply {
    var httpFields: HTTPFields {
        // `HTTPField` itself is not re-exported by Hummingbird; reach it as the collection's element.
        typealias Field = HTTPFields.Element
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = Field.Name(name) { fields.append(Field(name: name, value: value)) }
        }
        return fields
    }

    /// Writes the reply, or breaks the connection the way `transport` says.
    func write(to writer: consuming ResponseWriter) async throws {
        var fields = httpFields
        fields[.contentLength] = String(body.count)
        let head = HTTPResponse(status: .init(code: status), headerFields: fields)
        switch transport {
        case .normal:
            try await writer.write(response: head, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        case .reset:
            // Throwing out of the responder makes Hummingbird close the connection without a response.
            throw SimulatedResetError()
        case .truncate:
            var bodyWriter = try await writer.writeHead(head)
            try await bodyWriter.write(ByteBuffer(bytes: body.prefix(body.count / 2)))
            throw SimulatedResetError()
        }
    }
}
