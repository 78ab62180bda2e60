#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import Foundation
import Logging
import Synchronization

/// `custodyd`'s log handler: journal fields (native protocol) or `<N>`-prefixed
/// lines under systemd, readable lines on a terminal. The level is the shared
/// ``LogLevelControl``, so changing it reaches every logger at once.
public struct CustodyLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let levels: LogLevelControl
    let sink: LogSink

    public init(label: String, levels: LogLevelControl, sink: LogSink) {
        self.label = label
        self.levels = levels
        self.sink = sink
    }

    /// A factory for `LoggingSystem.bootstrap`, writing to `destination`.
    public static func factory(levels: LogLevelControl, destination: LogDestination = .detect(),
                               identifier: String = "custodyd") -> @Sendable (String) -> any LogHandler {
        let sink = LogSink(destination: destination, identifier: identifier)
        return { label in CustodyLogHandler(label: label, levels: levels, sink: sink) }
    }

    public var logLevel: Logger.Level {
        get { levels.level }
        set { levels.level = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        sink.write(level: event.level, message: "\(event.message)", label: label, metadata: all,
                   file: event.file, function: event.function, line: event.line)
    }
}

/// Writes records to their destination, one whole record per write.
public final class LogSink: Sendable {
    let destination: LogDestination
    let identifier: String
    /// The journal's socket, connected once (nil: write lines instead).
    private let journal: Mutex<Int32>

    public init(destination: LogDestination, identifier: String = "custodyd") {
        self.destination = destination
        self.identifier = identifier
        journal = Mutex(-1)
        if case .journalNative(let path) = destination { journal.withLock { $0 = Self.connect(path) } }
    }

    deinit { journal.withLock { if $0 >= 0 { close($0) } } }

    public func write(level: Logger.Level, message: String, label: String, metadata: Logger.Metadata,
                      file: String, function: String, line: UInt) {
        switch destination {
        case .journalNative:
            let fields = JournalFields.fields(level: level, message: message, label: label, metadata: metadata,
                                              file: file, function: function, line: line, identifier: identifier)
            let datagram = JournalFields.datagram(fields)
            let sent = journal.withLock { fd -> Bool in
                guard fd >= 0 else { return false }
                return datagram.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == datagram.count
            }
            // Too large for one datagram, or the journal went away: the stream still works.
            if !sent { writeLine("<\(JournalFields.priority(level))>" + Self.plain(message, metadata)) }
        case .journalStream:
            // The journal adds the time and identifier itself; a record's extra lines keep its priority.
            let prefix = "<\(JournalFields.priority(level))>"
            let text = Self.plain(message, metadata)
            writeLine(text.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }.joined(separator: "\n"))
        case .lines:
            writeLine(Self.line(level: level, message: message, metadata: metadata, time: Date()))
        }
    }

    /// `2026-11-22T13:05:09.250Z info     message key=value`
    static func line(level: Logger.Level, message: String, metadata: Logger.Metadata, time: Date) -> String {
        let name = level.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
        return "\(RFC3339.format(time)) \(name) " + plain(message, metadata)
    }

    /// The message, then the metadata as `key=value`, sorted.
    static func plain(_ message: String, _ metadata: Logger.Metadata) -> String {
        guard !metadata.isEmpty else { return message }
        return message + " " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    private func writeLine(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(2, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                offset += n
            }
        }
    }

    /// A datagram socket connected to the journal, or -1.
    static func connect(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { close(fd); return -1 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard ok == 0 else { close(fd); return -1 }
        // Big records (a long error) need a big send buffer; the journal takes up to its own limit.
        var size: Int32 = 8 << 20
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }
}
