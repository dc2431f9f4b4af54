import Foundation
import ReportKit

/// A Teams Workflows webhook ("When a Teams webhook request is received" + post each card):
/// checks the SAS signature and api-version, refuses what the real flow would fail on (no
/// `attachments`, over 28,672 bytes), answers 202 with an empty body, and appends each accepted
/// payload to `DIR/teams.jsonl`. `teamsFaults` in the scenario answers the first posts with
/// the given statuses (429 carries Retry-After when the scenario sets `retryAfter`).
extension NCPSandbox {
    static let teamsPath = "/teams/workflows/sandbox/triggers/manual/paths/invoke"

    var teamsSignature: String { String(format: "sbx%016llx", stableHash("teams|\(scenario.seed)")) }

    public func teamsURL(port: Int) -> String {
        "http://127.0.0.1:\(port)\(NCPSandbox.teamsPath)?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=\(teamsSignature)"
    }

    static func logicAppsError(_ status: Int, _ code: String, _ message: String) -> SandboxResponse {
        .json(status, .object(JSONObject([("error", .object(JSONObject([("code", .string(code)), ("message", .string(message))])))])))
    }

    func teams(_ request: SandboxRequest) -> SandboxResponse {
        guard request.path == NCPSandbox.teamsPath else {
            return NCPSandbox.logicAppsError(404, "WorkflowNotFound", "The workflow was not found.")
        }
        guard request.method == "POST" else {
            return NCPSandbox.logicAppsError(405, "TriggerRequestMethodNotValid", "The HTTP method for this request is not valid: expected 'Post'.")
        }
        let query = QueryString.decode(request.rawQuery ?? "")
        func param(_ name: String) -> String? { query.last { $0.key == name }?.value }
        guard param("api-version") != nil else {
            return NCPSandbox.logicAppsError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
        }
        guard param("sig") == teamsSignature else {
            return NCPSandbox.logicAppsError(401, "DirectApiInvalidAuthorizationSignature", "The provided authorization signature is not valid.")
        }
        let fault = teamsPosts.withLock { count -> Int? in
            defer { count += 1 }
            return count < scenario.teamsFaults.count ? scenario.teamsFaults[count] : nil
        }
        if let fault {
            var response = NCPSandbox.logicAppsError(fault, fault == 429 ? "TooManyRequests" : "ServiceUnavailable", "Injected by the scenario.")
            if fault == 429, let after = scenario.retryAfter { response.headers.append(("Retry-After", String(Int(after.rounded(.up))))) }
            return response
        }
        guard request.body.count <= 28_672 else {
            return NCPSandbox.logicAppsError(400, "MessageSizeExceeded", "The message size \(request.body.count) bytes exceeds the max allowed size is 28672 bytes.")
        }
        guard let body = try? JSONParser.parse(request.body) else {
            return NCPSandbox.logicAppsError(400, "InvalidRequestContent", "The request content is not valid JSON.")
        }
        guard let attachments = body["attachments"]?.arrayValue, !attachments.isEmpty,
            attachments.allSatisfy({ $0["contentType"]?.stringValue != nil && $0["content"] != nil })
        else {
            return NCPSandbox.logicAppsError(400, "InvalidTemplate",
                "Unable to process template language expressions in action 'Send_each_adaptive_card': the 'foreach' expression '@triggerOutputs()?['body']?['attachments']' is of type 'Null'.")
        }
        teamsLog?.append(body.compactString)
        return SandboxResponse(status: 202, headers: [], body: [])
    }
}

/// Appends lines to a file (teams.jsonl).
final class LineLog: Sendable {
    private let handle: Locked<FileHandle?>

    init(path: String) {
        FileManager.default.createFile(atPath: path, contents: nil)
        handle = Locked(FileHandle(forWritingAtPath: path))
    }

    func append(_ line: String) {
        handle.withLock { $0?.write(Data((line + "\n").utf8)) }
    }
}
