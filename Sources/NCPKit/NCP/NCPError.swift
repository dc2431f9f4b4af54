import ReportKit

/// A failure NCP reported: a service `responseError`, a gateway `error`, or a bare HTTP status.
/// The message is the v2 system's `Error Message: <returnMessage>`, which operators search for.
public struct NCPError: ToolError, CustomStringConvertible {
    public enum Origin: String, Sendable { case service, gateway, http }

    public let origin: Origin
    public let code: String
    public let returnMessage: String
    public let httpStatus: Int
    /// `GET /vserver/v2/getServerInstanceList`
    public let target: String

    public init(origin: Origin, code: String, returnMessage: String, httpStatus: Int, target: String) {
        self.origin = origin
        self.code = code
        self.returnMessage = returnMessage
        self.httpStatus = httpStatus
        self.target = target
    }

    public var message: String { "Error Message: \(returnMessage)" }

    public var location: String? {
        var parts = [target]
        switch origin {
        case .service: parts.append("returnCode \(code)")
        case .gateway: parts.append("errorCode \(code)")
        case .http: break
        }
        parts.append("HTTP \(httpStatus)")
        return parts.joined(separator: ", ")
    }

    public var description: String { line }

    /// Permission problems (800/802, gateway 401) are exit 77.
    public var isPermissionDenied: Bool { exitStatus == .noPermission }

    /// A service the customer withholds from the key on purpose (returnCode 800/802) is
    /// `denied`, which a report counts apart; a refused key (gateway 200/210, HTTP 401) is
    /// `refused`, a failure.
    public var kind: FailureKind {
        if origin == .service, code == "800" || code == "802" { return .denied }
        return FailureKind(exitStatus: Int(exitStatus.rawValue))
    }

    public var returnCode: String? { origin == .http ? nil : code }

    public var httpStatusCode: Int? { httpStatus }

    public var exitStatus: ExitStatus {
        switch origin {
        case .service:
            if code == "800" || code == "802" { return .noPermission }
            return NCPError.statusFor(http: httpStatus, fallback: .dataError)
        case .gateway:
            switch code {
            case "200", "210": return .noPermission
            case "400", "410", "420": return .tempFail
            case "500", "510", "900": return .unavailable
            case "300": return .noInput
            default: return NCPError.statusFor(http: httpStatus, fallback: .dataError)
            }
        case .http:
            return NCPError.statusFor(http: httpStatus, fallback: .dataError)
        }
    }

    static func statusFor(http: Int, fallback: ExitStatus) -> ExitStatus {
        switch http {
        case 401, 403: return .noPermission
        case 404: return .noInput
        case 429: return .tempFail
        case 500...599: return .unavailable
        default: return fallback
        }
    }

    /// Finds an error in a response body (even under HTTP 200) or in its status.
    public static func from(status: Int, body: JSONValue?, rawBody: String, target: String) -> NCPError? {
        if let error = body?["responseError"] {
            return NCPError(
                origin: .service, code: error["returnCode"]?.scalarText ?? "?",
                returnMessage: error["returnMessage"]?.stringValue ?? "(no returnMessage)", httpStatus: status,
                target: target)
        }
        if let error = body?["error"], case .string(let text) = error {
            return NCPError(origin: .gateway, code: "?", returnMessage: text.value, httpStatus: status, target: target)
        }
        if let error = body?["error"], error.objectValue != nil {
            let message = error["message"]?.stringValue ?? error["errorMessage"]?.stringValue ?? "(no message)"
            let details = error["details"]?.stringValue ?? error["detail"]?.stringValue
            return NCPError(
                origin: .gateway, code: error["errorCode"]?.scalarText ?? "?",
                returnMessage: details.map { "\(message) (\($0))" } ?? message, httpStatus: status, target: target)
        }
        // Some legacy responses put a failing returnCode in the action envelope itself.
        if let object = body?.objectValue,
            let envelope = object.pairs.first(where: { $0.key.hasSuffix("Response") && $0.value["returnCode"] != nil })?.value,
            let code = envelope["returnCode"]?.scalarText, code != "0"
        {
            return NCPError(
                origin: .service, code: code, returnMessage: envelope["returnMessage"]?.stringValue ?? "(no returnMessage)",
                httpStatus: status, target: target)
        }
        guard (200..<300).contains(status) else {
            let snippet = rawBody.prefix(200).replacingOccurrences(of: "\n", with: " ")
            return NCPError(
                origin: .http, code: "\(status)", returnMessage: snippet.isEmpty ? "HTTP \(status)" : String(snippet),
                httpStatus: status, target: target)
        }
        return nil
    }
}
