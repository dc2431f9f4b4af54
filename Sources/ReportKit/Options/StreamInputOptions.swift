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
        let fd: Int32 = input == "-" ? 0 : open(input, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(.noInput, "cannot open the input: \(String(cString: strerror(errno)))", at: input) }
        return NDJSONReader(fd: fd, source: source)
    }
}
