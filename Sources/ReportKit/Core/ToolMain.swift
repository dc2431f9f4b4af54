import Foundation

/// The one place where a tool's failure is printed and turned into an exit status.
public enum ToolMain {
    /// Ignore SIGPIPE so a closed stdout shows up as EPIPE, which producers treat as "done".
    /// Unblock everything else: a parent (Foundation's Process among them) may have spawned us
    /// with SIGTERM/SIGINT blocked, which would make us unkillable but by SIGKILL.
    public static func prepareProcess() {
        signal(SIGPIPE, SIG_IGN)
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_UNBLOCK, &all, nil)
    }

    /// A command's whole life: process set-up, logging options, the work, and the one place
    /// where a failure is printed.
    public static func run(tool: String, logging: LoggingOptions, _ body: () async throws -> Void) async {
        prepareProcess()
        do {
            try logging.apply(tool: tool)
            try await body()
        } catch {
            exit(with: error, tool: tool)
        }
    }

    /// Prints `TOOL: error: WHAT (WHERE)` once and exits with the error's status.
    public static func exit(with error: any Error, tool: String) -> Never {
        try? OutputStream.stdout.flush()
        if error is BrokenPipe { Foundation.exit(0) }
        let status: ExitStatus
        let line: String
        if let error = error as? any ToolError {
            status = error.exitStatus
            line = error.line
        } else if error is CancellationError {
            status = .software
            line = "cancelled"
        } else {
            status = .software
            line = "internal error: \(error)"
        }
        Log.shared.emit(.error, line, [])
        // The same failure in fields, for a parent that decides on it (ncp-report).
        let record = (error as? any ToolError).map { FailureRecord($0) } ?? FailureRecord(exit: Int(status.rawValue), error: Redactor.shared.redact(line))
        record.writeIfRequested()
        Foundation.exit(status.rawValue)
    }
}
