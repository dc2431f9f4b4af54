import Crypto
import Foundation
import ReportKit

/// A Teams Workflows webhook: where it comes from (never argv), what kind it is (legacy
/// connectors are dead), and how a message is delivered (any 2xx, at most one per second).
public struct Webhook: Sendable {
    public let url: String
    /// Where the rate gate's stamp file goes; nil: `$XDG_RUNTIME_DIR`, else the temporary folder.
    public var gateFolder: String?

    public init(url: String, gateFolder: String? = nil) {
        self.url = url
        self.gateFolder = gateFolder
    }

    /// `TEAMS_WEBHOOK_URL` or `--webhook-file`; the URL (and its sig) is registered as a secret.
    public static func resolve(file: String?, environment: [String: String]) throws -> Webhook {
        var raw: String
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw Failure(.noInput, "cannot read the webhook file", at: file)
            }
            raw = text
        } else if let value = environment["TEAMS_WEBHOOK_URL"], !value.isEmpty {
            raw = value
        } else {
            throw Failure(.config, "no webhook: set TEAMS_WEBHOOK_URL or pass --webhook-file FILE")
        }
        raw = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        Redactor.shared.register(raw)
        if let sig = URLComponents(string: raw)?.queryItems?.first(where: { $0.name == "sig" })?.value { Redactor.shared.register(sig) }
        guard let host = URLComponents(string: raw)?.host?.lowercased() else {
            throw Failure(.config, "the webhook is not a URL", at: file ?? "TEAMS_WEBHOOK_URL")
        }
        if host == "outlook.office.com" || host.hasSuffix(".webhook.office.com") {
            throw Failure(.config, """
                this is an Office 365 connector webhook (\(host)); Microsoft retired those (the last ones \
                stopped in May 2026). Create a Teams Workflows webhook ('Post to a channel when a webhook \
                request is received') and use its URL
                """, at: file ?? "TEAMS_WEBHOOK_URL")
        }
        try URLPolicy.check(raw)
        return Webhook(url: raw)
    }

    /// docs/contract.md (Secrets): a signature on the command line is refused.
    public static func refuseSecretsInArguments(_ arguments: [String]) throws {
        for argument in arguments where argument.range(of: "sig=", options: .caseInsensitive) != nil
            || argument.contains("logic.azure.com") || argument.contains("powerplatform.com")
        {
            throw Failure(.usage, "a webhook URL is a credential: pass it in TEAMS_WEBHOOK_URL or --webhook-file FILE, never as an argument")
        }
    }

    /// Posts once, spaced at least a second after the previous post to the same webhook (across
    /// processes: a lock file per webhook). Any 2xx is delivered; 2xx is never retried.
    public func post(_ payload: JSONValue, client: HTTPClient) async throws {
        let body = payload.compactBytes
        let gate = try RateGate(for: url, folder: gateFolder)
        defer { gate.release() }
        try await gate.wait()
        let url = self.url
        let response = try await client.send {
            HTTPRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")], body: body)
        }
        gate.stamp()
        guard (200..<300).contains(response.status) else { throw Webhook.failure(response) }
        Log.shared.info("delivered", ["status": "\(response.status)", "bytes": "\(body.count)"])
    }

    /// Logic Apps answers `{"error":{"code","message"}}` when it refuses a request.
    public static func failure(_ response: HTTPResponse) -> Failure {
        let json = try? JSONParser.parse(response.body)
        let code = json?["error"]?["code"]?.stringValue
        let message = json?["error"]?["message"]?.stringValue ?? String(response.bodyText.prefix(200))
        let what = "the Teams webhook refused the message: " + [code, message.isEmpty ? nil : message].compactMap { $0 }.joined(separator: ": ")
        let status: ExitStatus
        switch response.status {
        case 401, 403: status = .noPermission
        case 404: status = .noInput
        case 429: status = .tempFail
        case 500...599: status = .unavailable
        default: status = .dataError
        }
        return Failure(status, what, at: "HTTP \(response.status)")
    }
}

/// At most one post per second per webhook, across processes: an flock'd stamp file named by
/// a hash of the URL (never the URL itself).
public final class RateGate {
    let fd: Int32
    public let path: String
    public static let spacing = 1.0

    /// `folder` nil: `$XDG_RUNTIME_DIR`, else the temporary folder.
    public init(for url: String, folder: String? = nil) throws {
        let folder = folder ?? ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()
        path = (folder as NSString).appendingPathComponent(RateGate.fileName(for: url))
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(.cantCreate, "cannot open the rate-limit stamp", at: path) }
    }

    /// `teams-notify-<first 8 bytes of the URL's SHA-256, hex>.stamp`.
    public static func fileName(for url: String) -> String {
        let digest = SHA256.hash(data: Array(url.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return "teams-notify-\(digest).stamp"
    }

    /// Takes the gate (waiting while another post to this webhook holds it), then waits until
    /// a second has passed since the last stamp.
    public func wait() async throws {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        if count > 0, let last = Double(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) {
            let wait = last + RateGate.spacing - Date().timeIntervalSince1970
            if wait > 0 { try await Task.sleep(nanoseconds: UInt64(min(wait, RateGate.spacing) * 1_000_000_000)) }
        }
    }

    public func stamp() {
        let text = Array(String(format: "%.3f\n", Date().timeIntervalSince1970).utf8)
        ftruncate(fd, 0)
        _ = pwrite(fd, text, text.count, 0)
    }

    public func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
