/// The exit codes every tool uses (sysexits), as docs/contract.md lists them.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    case ok = 0
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case software = 70
    case cantCreate = 73
    case ioError = 74
    case tempFail = 75
    case noPermission = 77
    case config = 78

    public var meaning: String {
        switch self {
        case .ok: return "success"
        case .usage: return "usage error"
        case .dataError: return "bad input data, or a request the service rejected as malformed"
        case .noInput: return "input or named object missing"
        case .unavailable: return "remote service unavailable after retries"
        case .software: return "internal error"
        case .cantCreate: return "cannot write output"
        case .ioError: return "I/O error"
        case .tempFail: return "temporary failure (throttled after retries)"
        case .noPermission: return "permission denied"
        case .config: return "configuration missing or invalid"
        }
    }

    /// The table for `--help` texts.
    public static var helpTable: String {
        allCases.map { "  " + String(repeating: " ", count: $0.rawValue < 10 ? 1 : 0) + "\($0.rawValue)  \($0.meaning)" }.joined(separator: "\n")
    }
}
