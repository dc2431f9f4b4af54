/// An expected failure: one line for people, and the exit status that says what kind it was.
/// Commands print it once, in one place (`ToolMain.run`), as `TOOL: error: WHAT (WHERE)`.
public protocol ToolError: Error, Sendable {
    var exitStatus: ExitStatus { get }
    /// WHAT went wrong, one line, no secrets.
    var message: String { get }
    /// WHERE it went wrong (a file and line, a URL path, a variable), if known.
    var location: String? { get }
    /// What kind of failure it is, for a program to decide on (by default, its exit status's).
    var kind: FailureKind { get }
    /// The remote service's own code for it (NCP `returnCode`), if it came from one.
    var returnCode: String? { get }
    /// The HTTP status of the response that carried it, if any.
    var httpStatusCode: Int? { get }
}

extension ToolError {
    public var location: String? { nil }

    public var line: String {
        if let location, !location.isEmpty { return "\(message) (\(location))" }
        return message
    }
}

/// A plain failure with a status, for cases that need no domain enum of their own.
public struct Failure: ToolError, CustomStringConvertible {
    public let exitStatus: ExitStatus
    public let message: String
    public let location: String?

    public init(_ exitStatus: ExitStatus, _ message: String, at location: String? = nil) {
        self.exitStatus = exitStatus
        self.message = message
        self.location = location
    }

    public var description: String { line }
}
