import Foundation
import Hummingbird
import Logging
import NIOCore

/// What a hostile test server sends back for one request.
public struct HostileReply: Sendable {
    /// How the body is sent.
    public enum Body: Sendable {
        case bytes([UInt8])
        /// Chunks of `chunk` bytes without end (no Content-Length).
        case endless(chunk: Int)
        /// One byte at a time with a pause between them, without end: a server that never finishes.
        case drip(pause: Duration)
    }

    public var status: Int
    public var headers: [(String, String)]
    public var body: Body

    public init(status: Int = 200, headers: [(String, String)] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON reply with `application/json`.
    public static func json(_ text: String, status: Int = 200) -> HostileReply {
        HostileReply(status: status, headers: [("Content-Type", "application/json")], body: .bytes(Array(text.utf8)))
    }
}

/// A request the hostile server saw: method, path with query, and body.
public struct HostileRequest: Sendable {
    public var method: String
    public var path: String
    public var body: String
}

/// A small HTTP server on 127.0.0.1 whose every answer the test decides: redirects, oversized or endless bodies,
/// HTML where JSON belongs. See ``withHostileServer(_:_:)``.
public final class HostileServer: Sendable {
    public let port: Int
    private let seen: NSLockedArray

    init(port: Int, seen: NSLockedArray) {
        self.port = port
        self.seen = seen
    }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request so far, oldest first.
    public var requests: [HostileRequest] { seen.values }
}

final class NSLockedArray: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [HostileRequest] = []
    func append(_ item: HostileRequest) { lock.withLock { items.append(item) } }
    var values: [HostileRequest] { lock.withLock { items } }
}

struct HostileResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let seen: NSLockedArray
    let answer: @Sendable (HostileRequest) -> HostileReply

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        let seenRequest = HostileRequest(
            method: request.method.rawValue, path: request.uri.description, body: String(buffer: body))
        seen.append(seenRequest)
        let reply = answer(seenRequest)
        typealias Field = HTTPFields.Element
        var fields = HTTPFields()
        for (name, value) in reply.headers {
            if let name = Field.Name(name) { fields.append(Field(name: name, value: value)) }
        }
        let responseBody: ResponseBody
        switch reply.body {
        case .bytes(let bytes):
            responseBody = ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        case .endless(let chunk):
            let buffer = ByteBuffer(repeating: UInt8(ascii: " "), count: chunk)
            responseBody = ResponseBody { writer in
                while !Task.isCancelled { try await writer.write(buffer) }
            }
        case .drip(let pause):
            responseBody = ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "{\"value\": ["))
                while !Task.isCancelled {
                    try await Task.sleep(for: pause)
                    try await writer.write(ByteBuffer(string: " "))
                }
            }
        }
        return Response(status: .init(code: reply.status), headers: fields, body: responseBody)
    }
}

/// Runs `body` against a server on 127.0.0.1 (a free port) that answers every request with `answer`, then stops it.
public func withHostileServer<T: Sendable>(
    _ answer: @escaping @Sendable (HostileRequest) -> HostileReply,
    _ body: @Sendable (HostileServer) async throws -> T
) async throws -> T {
    let seen = NSLockedArray()
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "hostile-server")
    logger.logLevel = .critical
    let application = Application(
        responder: HostileResponder(seen: seen, answer: answer),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }, logger: logger)
    // Not awaited at the end: a graceful shutdown waits for the clients' idle keep-alive connections, which a
    // shared HTTP client holds open; the listener closes at once and the rest winds down in the background.
    let running = Task {
        defer { continuation.finish() }
        try await application.runService(gracefulShutdownSignals: [])
    }
    defer { running.cancel() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else {
        _ = try await running.value
        throw SimulatorHarnessError.serverDidNotStart
    }
    return try await body(HostileServer(port: port, seen: seen))
}
