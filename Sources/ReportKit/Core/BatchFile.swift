import Foundation

/// The `--batch FILE` contract the tools share (ncp-fetch, ncp-json, ncp-load): NDJSON entries
/// in, one report line per entry on stdout in entry order, a failing entry reported (`status`
/// failed, `exit`, `error`) while the others go on, and the first failure's status as the exit.
public final class BatchFile {
    public let path: String
    public let entries: [JSONValue]
    private var failed = 0
    private var first: Failure?

    public init(path: String) throws {
        let reader = try NDJSONReader(path: path, what: "the batch")
        var entries: [JSONValue] = []
        while let entry = try reader.nextValue() { entries.append(entry) }
        self.path = path
        self.entries = entries
    }

    /// Marks a report failed with the error's exit status and its one line.
    public static func fail(_ report: inout JSONObject, _ error: any Error) {
        let toolError = (error as? any ToolError) ?? Failure(.software, "\(error)")
        report["status"] = "failed"
        report["exit"] = .int(Int(toolError.exitStatus.rawValue))
        report["error"] = .string(Redactor.shared.redact(toolError.line))
    }

    /// Writes one entry's report and remembers the first failure.
    public func emit(_ report: JSONObject) throws {
        if report["status"]?.stringValue == "failed" {
            failed += 1
            if first == nil {
                let status = report["exit"]?.intValue.flatMap { ExitStatus(rawValue: Int32($0)) } ?? .software
                first = Failure(status, report["error"]?.stringValue ?? "failed")
            }
        }
        try OutputStream.stdout.writeLine(.object(report))
    }

    /// Flushes the reports; throws the first failure's status when any entry failed.
    public func finish() throws {
        try OutputStream.stdout.flush()
        if let first {
            throw Failure(first.exitStatus, "\(failed) of \(entries.count) entries failed; the first: \(first.message)", at: path)
        }
    }
}
