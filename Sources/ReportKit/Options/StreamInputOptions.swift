import ArgumentParser
import Foundation

/// `--input` and `--require-trailer`: how a consumer (ncp-json, ncp-load) reads its stream.
public struct StreamInputOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("Read this file instead of stdin (- for stdin).", valueName: "file"))
    public var input: String = "-"

    @Flag(help: "Require the completeness trailer (DESIGN.md §4) as the last line.")
    public var requireTrailer = false

    public init() {}

    public var source: String { input == "-" ? "stdin" : input }

    /// A reader over the input; a missing file is exit 66.
    public func reader() throws -> NDJSONReader {
        input == "-" ? NDJSONReader(fd: 0, source: source) : try NDJSONReader(path: input)
    }
}
