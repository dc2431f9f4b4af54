import ArgumentParser

/// `--log-format`, `-v`, `-q`: the same in every tool.
public struct LoggingOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("log-format"), help: ArgumentHelp("Log lines on stderr: human or json (one object per line) ($REPORT_LOG_FORMAT, default human).", valueName: "human|json"))
    public var format: LogFormat?

    @Flag(name: .shortAndLong, help: "More detail on stderr (-vv for every request).")
    public var verbose: Int

    @Flag(name: .shortAndLong, help: "Only errors on stderr.")
    public var quiet = false

    public init() {}

    /// `--log-format` as given on the command line (nil when it was not), as a child's
    /// `REPORT_LOG_FORMAT` would spell it.
    public var logFormat: String? { format?.rawValue }

    /// Applies the settings to the shared log; `REPORT_LOG_FORMAT` fills in `--log-format`.
    public func apply(tool: String, environment: EnvironmentFallback = EnvironmentFallback()) throws {
        let format = try environment.resolve(format, flag: "--log-format", env: ["REPORT_LOG_FORMAT"], default: LogFormat.human)
        let level: LogLevel = quiet ? .error : verbose >= 2 ? .debug : verbose == 1 ? .info : .warning
        Log.shared.configure(tool: tool, format: format.value, level: level)
    }
}
