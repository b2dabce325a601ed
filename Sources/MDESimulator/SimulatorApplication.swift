import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// The Hummingbird application that serves an ``MDESimulator``.
///
/// It runs its own HTTP server loop rather than Hummingbird's default so that it can send the virtual
/// clock's `Date` header (the default overwrites `Date` with the real time) and break connections on purpose
/// (reset, truncated body) when a test asks for it.
public struct SimulatorApplication: ApplicationProtocol {
    public typealias Responder = SimulatorResponder

    let simulator: MDESimulator
    let onRunning: @Sendable (Int) async -> Void

    public var responder: SimulatorResponder { SimulatorResponder(simulator: simulator) }

    public var configuration: ApplicationConfiguration {
        ApplicationConfiguration(
            address: .hostname(simulator.configuration.host, port: simulator.configuration.port),
            serverName: nil, reuseAddress: true)
    }

    public var logger: Logger {
        var logger = Logger(label: "mde-simulator")
        logger.logLevel = .warning
        return logger
    }

    public func onServerRunning(_ channel: any Channel) async {
        let port = channel.localAddress?.port ?? simulator.configuration.port
        simulator.state.withLock { $0.boundPort = port }
        await onRunning(port)
    }

    public func run() async throws {
        let simulator = self.simulator
        let http = HTTP1Channel(responder: { request, writer, _ in
            let reply = await simulator.respond(to: try await SimRequest(request))
            try await reply.write(to: writer)
        })
        if let tls = simulator.configuration.tls {
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(tls.chainPEM.utf8)).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(tls.keyPEM.utf8), format: .pem)))
            configuration.minimumTLSVersion = .tlsv12
            try await serve(try TLSChannel(http, tlsConfiguration: configuration))
        } else {
            try await serve(http)
        }
    }

    private func serve<Channel: ServerChildChannel>(_ channel: Channel) async throws {
        let server = Server(
            childChannelSetup: channel,
            configuration: ServerConfiguration(
                address: .hostname(simulator.configuration.host, port: simulator.configuration.port),
                reuseAddress: true),
            onServerRunning: { await self.onServerRunning($0) },
            eventLoopGroup: eventLoopGroup,
            logger: logger)
        // The server runs in its own task: cancelling it directly makes Hummingbird log an error per open
        // connection, whereas a graceful shutdown closes the listener and lets requests in flight finish.
        let running = Task { try await server.run() }
        try await withTaskCancellationHandler {
            try await running.value
        } onCancel: {
            Task { try? await server.shutdownGracefully() }
        }
    }
}

/// Hummingbird's view of the simulator, for running it under other Hummingbird tooling. The real server
/// loop in ``SimulatorApplication/run()`` bypasses it to control the `Date` header and the connection.
public struct SimulatorResponder: HTTPResponder {
    public typealias Context = BasicRequestContext
    let simulator: MDESimulator

    public func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let reply = await simulator.respond(to: try await SimRequest(request))
        if reply.transport == .reset { throw SimulatedResetError() }
        return Response(
            status: .init(code: reply.status), headers: reply.httpFields,
            body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}

struct SimulatedResetError: Error {}
