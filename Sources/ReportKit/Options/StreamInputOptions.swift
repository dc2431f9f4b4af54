import ArgumentParser
import Foundation

/// `--input`, `--require-trailer` and `--max-line-bytes`: how a consumer (ncp-json, ncp-load)
/// reads its stream.
public struct StreamInputOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("Read this file instead of stdin (- for stdin).", valueName: "file"))
    public var input: String = "-"

    @Flag(help: "Require the completeness trailer (docs/contract.md) as the last line.")
    public var requireTrailer = false

    @Option(help: ArgumentHelp(
        "Refuse a line longer than this, exit 65 ($REPORT_MAX_LINE_BYTES, default \(NDJSONReader.defaultMaxLineBytes), 64 MiB).",
        valueName: "bytes"))
    public var maxLineBytes: Int?

    public init() {}

    public var source: String { input == "-" ? "stdin" : input }

    /// The line limit and where it came from; anything but a positive whole number is exit 64.
    public func lineLimit(_ environment: EnvironmentFallback = EnvironmentFallback()) throws(Failure) -> Sourced<Int> {
        try environment.resolve(
            maxLineBytes.map(String.init), flag: "--max-line-bytes", env: ["REPORT_MAX_LINE_BYTES"],
            default: NDJSONReader.defaultMaxLineBytes, { Int($0).flatMap { $0 >= 1 ? $0 : nil } },
            expected: "a whole number of bytes, at least 1")
    }

    /// A reader over the input; a missing file is exit 66.
    public func reader(_ environment: EnvironmentFallback = EnvironmentFallback()) throws -> NDJSONReader {
        input == "-" ? try reader(fd: 0, source: source, environment) : try reader(path: input, environment)
    }

    /// A reader over another file (a batch entry's input) with the same line limit.
    public func reader(path: String, _ environment: EnvironmentFallback = EnvironmentFallback()) throws -> NDJSONReader {
        let limit = try lineLimit(environment)
        return try NDJSONReader(path: path, maxLineBytes: limit.value, limitHint: Self.hint(limit))
    }

    func reader(fd: Int32, source: String, _ environment: EnvironmentFallback) throws -> NDJSONReader {
        let limit = try lineLimit(environment)
        return NDJSONReader(fd: fd, source: source, maxLineBytes: limit.value, limitHint: Self.hint(limit))
    }

    static func hint(_ limit: Sourced<Int>) -> String {
        "raise the limit with \(limit.source == "default" ? "--max-line-bytes" : limit.source)"
    }
}
