import Foundation

/// What kind of failure an error is, as a field a reader decides on. The runner classifies a
/// step by this and never by an error's wording, so rewording a message cannot change an
/// outcome (docs/contract.md: Failure records).
public enum FailureKind: String, Codable, Sendable, CaseIterable {
    /// The service withholds this from the key on purpose (NCP returnCode 800/802): the
    /// customer did not grant it. A report counts it apart from failures.
    case denied
    /// The key or credentials themselves are refused (gateway 200/210, HTTP 401/403).
    case refused
    /// Throttled or out of time after retries (exit 75); a re-run may pass.
    case throttled
    /// The service was unreachable or failing after retries (exit 69).
    case unavailable
    /// An input, file or object is missing (exit 66).
    case notFound = "not-found"
    /// Bad data, or a request the service rejected as malformed (exit 65).
    case badData = "bad-data"
    /// A usage error (exit 64).
    case usage
    /// Configuration missing or invalid (exit 78).
    case config
    /// Output could not be created (exit 73).
    case cantCreate = "cant-create"
    /// An I/O error (exit 74).
    case io
    /// Anything else, including a child that crashed or was killed (exit 70 and signals).
    case `internal`

    /// The kind an exit status stands for when nothing more is known. Never `denied`: only an
    /// error that knows it was a deliberate denial says so.
    public init(exitStatus: Int) {
        switch ExitStatus(rawValue: Int32(clamping: exitStatus)) {
        case .usage: self = .usage
        case .dataError: self = .badData
        case .noInput: self = .notFound
        case .unavailable: self = .unavailable
        case .cantCreate: self = .cantCreate
        case .ioError: self = .io
        case .tempFail: self = .throttled
        case .noPermission: self = .refused
        case .config: self = .config
        case .ok, .software, nil: self = .internal
        }
    }
}

extension ToolError {
    public var kind: FailureKind { FailureKind(exitStatus: Int(exitStatus.rawValue)) }
    public var returnCode: String? { nil }
    public var httpStatusCode: Int? { nil }
}

/// How a tool failed, in fields: the failure part of a `--batch` report line, and what a tool
/// writes to `$REPORT_FAILURE_FILE` when it exits with an error.
public struct FailureRecord: Codable, Sendable, Equatable {
    public var exit: Int
    /// The one-line message, secrets removed: for people only.
    public var error: String
    public var kind: FailureKind
    /// The service's own code (NCP `returnCode`, or the gateway's `errorCode`).
    public var returnCode: String?
    public var httpStatus: Int?

    public init(exit: Int, error: String, kind: FailureKind? = nil, returnCode: String? = nil, httpStatus: Int? = nil) {
        self.exit = exit
        self.error = error
        self.kind = kind ?? FailureKind(exitStatus: exit)
        self.returnCode = returnCode
        self.httpStatus = httpStatus
    }

    /// The record of an error as a tool reports it; a non-ToolError is an internal error.
    public init(_ error: any Error) {
        let toolError = (error as? any ToolError) ?? Failure(.software, "\(error)")
        self.init(exit: Int(toolError.exitStatus.rawValue), error: Redactor.shared.redact(toolError.line), kind: toolError.kind,
                  returnCode: toolError.returnCode, httpStatus: toolError.httpStatusCode)
    }

    /// The variable naming the file a failing tool writes its record to (the runner sets it
    /// per child).
    public static let environmentVariable = "REPORT_FAILURE_FILE"

    /// Writes the record to `$REPORT_FAILURE_FILE` when it is set (0600, whole or not at all).
    public func writeIfRequested(_ environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let path = environment[FailureRecord.environmentVariable], !path.isEmpty else { return }
        try? AtomicFile.write(BatchCoding.line(self), to: path, mode: 0o600)
    }

    /// The record a child wrote, if it wrote one.
    public static func read(_ path: String) -> FailureRecord? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(FailureRecord.self, from: data)
    }
}

/// A failure known by its record (a batch's first failed entry, a child's): thrown, it keeps
/// the record's kind and codes.
public struct RecordedFailure: ToolError, CustomStringConvertible {
    public let record: FailureRecord

    public init(_ record: FailureRecord) { self.record = record }

    public var exitStatus: ExitStatus { ExitStatus(rawValue: Int32(clamping: record.exit)) ?? .software }
    public var message: String { record.error }
    public var kind: FailureKind { record.kind }
    public var returnCode: String? { record.returnCode }
    public var httpStatusCode: Int? { record.httpStatus }
    public var description: String { record.error }
}
