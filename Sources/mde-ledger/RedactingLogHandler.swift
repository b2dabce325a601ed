import Logging
import MDEAPI

/// Log lines go to stderr like everything else the tool prints, so they pass through `Secrets.redact` too: a retry
/// warning quotes the error, and the error may quote a server that echoed the secret.
struct RedactingLogHandler: LogHandler {
    var inner: any LogHandler

    init(_ inner: any LogHandler) { self.inner = inner }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        inner.log(
            level: level, message: "\(Secrets.redact(message.description))", metadata: metadata, source: source,
            file: file, function: function, line: line)
    }
}
