import Foundation

/// A real HTTP proxy (Debian's tinyproxy) on loopback for one test: requests reach the simulator only through it,
/// and its log shows each CONNECT. `.ci/run` installs tinyproxy.
public final class RunningProxy: @unchecked Sendable {
    /// The port it listens on (127.0.0.1).
    public let port: Int
    private let process: Process
    private let log: String

    /// `http://127.0.0.1:<port>` (with `user@` when given): a proxy URL without the password.
    public func url(user: String? = nil) -> String { "http://" + (user.map { "\($0)@" } ?? "") + "127.0.0.1:\(port)" }

    /// Starts tinyproxy in `folder`. With `credentials` it requires Basic authentication; with `connectPorts` it
    /// refuses CONNECT to any other port (a proxy that refuses the tunnel).
    public init(
        in folder: TemporaryFolder, credentials: (user: String, password: String)? = nil, connectPorts: [Int] = []
    )
        throws
    {
        guard
            let binary = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"].first(
                where: FileManager.default.isExecutableFile)
        else { throw ProxyUnavailable("tinyproxy is not installed; run 'apt-get install -y tinyproxy' (.ci/run does)") }
        log = folder.path("tinyproxy.log")
        var lastError = "no attempt"
        // A free port is found by binding port 0 and releasing it; another process may take it meanwhile, so a
        // start that fails is retried on a new port.
        for _ in 0..<5 {
            let port = try Self.freePort()
            var config = [
                "Port \(port)", "Listen 127.0.0.1", "Timeout 60", "MaxClients 50", "LogLevel Connect",
                "LogFile \"\(log)\"",
            ]
            if let credentials { config.append("BasicAuth \(credentials.user) \(credentials.password)") }
            config += connectPorts.map { "ConnectPort \($0)" }
            let file = folder.path("tinyproxy-\(port).conf")
            try config.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["-d", "-c", file]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if Self.waitUntilListening(port: port, process: process) {
                self.port = port
                self.process = process
                return
            }
            Self.stop(process)
            lastError = "tinyproxy did not listen on port \(port)"
        }
        throw ProxyUnavailable(lastError)
    }

    deinit { Self.stop(process) }

    /// SIGKILL: tinyproxy started from a test process ignores SIGTERM (it inherits the signal mask).
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The CONNECT requests the proxy received, as `host:port`.
    public func tunnels() -> [String] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "CONNECT ", options: .backwards), line.contains("Request (") else {
                return nil
            }
            return line[range.upperBound...].split(separator: " ").first.map(String.init)
        }
    }

    /// Polls until a connection to the port succeeds, the process exits, or 30 s pass (a deadline, not a timing).
    static func waitUntilListening(port: Int, process: Process) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, process.isRunning {
            if canConnect(port: port) { return true }
            usleep(20_000)
        }
        return false
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// A port nothing listens on right now: bound to 0 by the kernel, then released.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProxyUnavailable("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw ProxyUnavailable("bind() to port 0 failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The proxy could not be started; the message says what to install.
public struct ProxyUnavailable: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
