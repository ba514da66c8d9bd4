import Logging
import LoyaltyServer
import Synchronization

/// A swift-log handler that keeps every line it is given (message and metadata, as text), for tests that
/// check what the server logs.
struct CapturingLogHandler: LogHandler {
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])

        func append(_ line: String) { lines.withLock { $0.append(line) } }

        var all: [String] { lines.withLock { $0 } }
    }

    let lines: Lines
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let provided = metadataProvider?.get() ?? [:]
        let all = provided.merging(metadata) { _, new in new }.merging(event.metadata ?? [:]) { _, new in new }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lines.append("\(event.level) \(rendered) [\(event.source)] \(event.message)")
    }

    /// A trace-level logger whose lines end up in the returned store.
    static func logger() -> (Logger, Lines) {
        let lines = Lines()
        let logger = Logger(label: "captured") { _ in
            CapturingLogHandler(lines: lines, metadataProvider: RequestLogContext.provider)
        }
        return (logger, lines)
    }
}
