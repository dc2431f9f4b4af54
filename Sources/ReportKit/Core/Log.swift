import ArgumentParser
import Foundation

/// `--log-format` (`$REPORT_LOG_FORMAT`): spelled exactly so, lower case.
public enum LogFormat: String, Sendable, CaseIterable, ExpressibleByArgument {
    case human, json
}

public enum LogLevel: Int, Sendable, Comparable {
    case debug = 0, info, warning, error

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    var name: String {
        switch self {
        case .debug: return "debug"
        case .info: return "info"
        case .warning: return "warning"
        case .error: return "error"
        }
    }
}

/// Logs to stderr: `tool: level: message (k=v …)` for people, or one JSON object per line
/// (`ts, level, tool, msg` plus context fields) with `--log-format json`. Every line passes
/// through the redactor first.
public final class Log: Sendable {
    public static let shared = Log()

    struct Settings {
        var tool = "report"
        var format = LogFormat.human
        var level = LogLevel.warning
    }

    private let settings = Locked(Settings())
    private let output = Locked<Int32>(2)

    public init() {}

    public func configure(tool: String? = nil, format: LogFormat? = nil, level: LogLevel? = nil) {
        settings.withLock {
            if let tool { $0.tool = tool }
            if let format { $0.format = format }
            if let level { $0.level = level }
        }
    }

    public var tool: String { settings.withLock { $0.tool } }

    public func isEnabled(_ level: LogLevel) -> Bool { settings.withLock { level >= $0.level } }

    public func debug(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        guard isEnabled(.debug) else { return }
        emit(.debug, message(), Array(fields))
    }

    public func info(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        guard isEnabled(.info) else { return }
        emit(.info, message(), Array(fields))
    }

    public func warning(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        emit(.warning, message, Array(fields))
    }

    public func error(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        emit(.error, message, Array(fields))
    }

    /// An error that does not end the run (one region, one instance): its one-line text.
    public func error(_ error: any Error, _ fields: KeyValuePairs<String, String> = [:]) {
        emit(.error, (error as? any ToolError)?.line ?? String(describing: error), Array(fields))
    }

    public func emit(_ level: LogLevel, _ message: String, _ fields: [(String, String)]) {
        let current = settings.withLock { $0 }
        guard level >= current.level else { return }
        let redactor = Redactor.shared
        var line: String
        switch current.format {
        case .human:
            line = "\(current.tool): \(level.name): \(redactor.redact(message))"
            if !fields.isEmpty {
                line += " (" + fields.map { "\($0.0)=\(redactor.redact($0.1))" }.joined(separator: " ") + ")"
            }
        case .json:
            var object = JSONObject([
                ("ts", .string(Timestamps.iso8601UTC(Date()))),
                ("level", .string(level.name)),
                ("tool", .string(current.tool)),
                ("msg", .string(redactor.redact(message))),
            ])
            for (key, value) in fields { object[key] = .string(redactor.redact(value)) }
            line = JSONValue.object(object).compactString
        }
        line += "\n"
        output.withLock { fd in
            var bytes = Array(line.utf8)
            bytes.withUnsafeMutableBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written <= 0 { if errno == EINTR { continue }; return }
                    offset += written
                }
            }
        }
    }
}
