import Foundation
import ReportKit

/// Answers every request from a closure and keeps what was sent: the webhook client without a
/// network.
final class StubTransport: HTTPTransport {
    let answer: @Sendable (HTTPRequest) -> HTTPResponse
    private let sent = Locked<[HTTPRequest]>([])

    init(_ answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) { self.answer = answer }

    var requests: [HTTPRequest] { sent.withLock { $0 } }

    func perform(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse {
        sent.withLock { $0.append(request) }
        return answer(request)
    }

    func client(attempts: Int = 1) -> HTTPClient {
        HTTPClient(transport: self, policy: RetryPolicy(maxAttempts: attempts), sleeper: NoWait())
    }
}

struct NoWait: Sleeper {
    func sleep(seconds: Double) async throws {}
}

/// A fresh folder under the temporary folder, removed by the caller.
func temporaryFolder() throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("teamskit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A read descriptor on a file holding `text`: what teams-notify finds on its stdin.
func inputDescriptor(_ text: String, in folder: String) throws -> Int32 {
    let path = (folder as NSString).appendingPathComponent("input-\(UUID().uuidString)")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw Failure(.noInput, "cannot open", at: path) }
    return fd
}

func record(_ customer: String, _ resource: String, _ status: String, exit: Int? = nil, error: String? = nil, items: Int? = nil) -> OutcomeRecord {
    OutcomeRecord(customer: customer, period: "2026-10", platform: "vpc", region: "KR", resource: resource, step: "fetch", status: status,
                  items: items, exit: exit, error: error)
}

extension JSONValue {
    /// The card inside the webhook envelope.
    var card: JSONValue? { self["attachments"]?.arrayValue?.first?["content"] }
    var body: [JSONValue] { card?["body"]?.arrayValue ?? [] }
}
