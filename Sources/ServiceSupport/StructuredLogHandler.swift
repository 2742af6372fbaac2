#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging

/// Where log lines go.
public protocol LogSink: Sendable {
    /// One complete line, without its newline.
    func write(line: String)
}

/// A file descriptor (stdout by default), one `write(2)` per line: nothing
/// is buffered, so a crash or a watchdog kill loses no line, and lines
/// from several threads never interleave (under PIPE_BUF on a pipe).
public struct FileDescriptorLogSink: LogSink {
    public let fd: Int32
    public init(fd: Int32 = 1) { self.fd = fd }

    public func write(line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
            }
        }
    }
}

/// Keeps lines in memory: for tests that grep what was logged.
public final class CapturingLogSink: LogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    public init() {}
    public func write(line: String) { lock.lock(); stored.append(line); lock.unlock() }
    public var lines: [String] { lock.lock(); defer { lock.unlock() }; return stored }
}

/// A swift-log handler writing one logfmt line per record:
/// `ts=… level=info label=bms.kiosk msg="Card read" session=3f… source=KioskApp`.
/// Under journald (JOURNAL_STREAM set) the line starts with the syslog
/// priority (`<6>`) so `journalctl -p` filters by level, and the timestamp
/// is left to the journal. Message and metadata pass through
/// `PersonalDataScrubber` as a last safety net: callers log NIRs only as
/// `LogSafe` references.
public struct StructuredLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    public let label: String
    let sink: any LogSink
    let journald: Bool

    public init(label: String, level: Logger.Level = .info, sink: any LogSink = FileDescriptorLogSink(),
                journald: Bool = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.logLevel = level
        self.sink = sink
        self.journald = journald
        self.metadataProvider = metadataProvider
    }

    /// Installs it for every logger of the process (call once, first thing in main).
    public static func bootstrap(level: Logger.Level = .info, sink: any LogSink = FileDescriptorLogSink()) {
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, level: level, sink: sink) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit = event.metadata { all.merge(explicit) { _, new in new } }
        if let error = event.error { all["error"] = .string(String(describing: error)) }
        sink.write(line: format(level: event.level, message: event.message.description, metadata: all,
                                source: event.source, date: Date()))
    }

    func format(level: Logger.Level, message: String, metadata: Logger.Metadata, source: String, date: Date) -> String {
        var fields: [(String, String)] = []
        if !journald { fields.append(("ts", Self.timestamp(date))) }
        fields.append(("level", level.rawValue))
        fields.append(("label", label))
        fields.append(("msg", PersonalDataScrubber.scrub(message)))
        for key in metadata.keys.sorted() {
            fields.append((Self.key(key), PersonalDataScrubber.scrub(Self.flatten(metadata[key]!))))
        }
        fields.append(("source", source))
        let body = fields.map { "\($0.0)=\(Self.quote($0.1))" }.joined(separator: " ")
        return journald ? "<\(Self.syslogPriority(level))>\(body)" : body
    }

    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array(let a): "[" + a.map(flatten).joined(separator: ",") + "]"
        case .dictionary(let d): "{" + d.keys.sorted().map { "\($0):\(flatten(d[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    /// logfmt keys: no space, quote or `=`.
    static func key(_ k: String) -> String {
        let cleaned = String(k.map { $0.isWhitespace || $0 == "=" || $0 == "\"" ? "_" : $0 })
        return cleaned.isEmpty ? "_" : cleaned
    }

    /// Bare when safe, else quoted with `\"`, `\\`, `\n` escaped: one record, one line.
    static func quote(_ v: String) -> String {
        let needsQuotes = v.isEmpty || v.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" || $0.isNewline || ($0.asciiValue.map { $0 < 0x20 } ?? false) }
        guard needsQuotes else { return v }
        var out = "\""
        for u in v.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    static func timestamp(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        let ms = Int((date.timeIntervalSince1970 - Double(t)) * 1000)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), min(ms, 999))
    }
}
