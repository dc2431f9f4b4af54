import Foundation
import ReportKit
@testable import TeamsKit
import Testing

/// The webhook: where its URL may come from, which URLs are refused, how Logic Apps' answers
/// become exit statuses, and the one-post-per-second gate.
struct WebhookTests {
    static let url = "https://prod-01.koreacentral.logic.azure.com:443/workflows/x/triggers/manual/paths/invoke?api-version=2016-06-01&sig=TopSecretSig0123"

    @Test func fromTheEnvironmentOrAFileAndItsSigIsASecret() throws {
        let webhook = try Webhook.resolve(file: nil, environment: ["TEAMS_WEBHOOK_URL": Self.url + "\n"])
        #expect(webhook.url == Self.url)
        #expect(!Redactor.shared.redact("posting to \(Self.url)").contains("TopSecretSig0123"))
        #expect(!Redactor.shared.redact("TopSecretSig0123").contains("TopSecretSig0123"))
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = (folder as NSString).appendingPathComponent("webhook")
        try "  \(Self.url)  \n".write(toFile: file, atomically: true, encoding: .utf8)
        // The file wins over the environment.
        #expect(try Webhook.resolve(file: file, environment: ["TEAMS_WEBHOOK_URL": "https://other.example/x"]).url == Self.url)
    }

    @Test func missingUnreadableLegacyAndPlainHTTPAreRefused() throws {
        func status(_ file: String?, _ environment: [String: String]) -> (ReportKit.ExitStatus?, String) {
            do { _ = try Webhook.resolve(file: file, environment: environment); return (nil, "") } catch {
                return ((error as? Failure)?.exitStatus, (error as? Failure)?.line ?? "")
            }
        }
        #expect(status(nil, [:]).0 == .config)
        #expect(status(nil, ["TEAMS_WEBHOOK_URL": ""]).0 == .config)
        #expect(status("/nonexistent/webhook", [:]).0 == .noInput)
        let legacy = status(nil, ["TEAMS_WEBHOOK_URL": "https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/1/2"])
        #expect(legacy.0 == .config && legacy.1.contains("retired") && !legacy.1.contains("abc@def"))
        #expect(status(nil, ["TEAMS_WEBHOOK_URL": "https://outlook.office.com/webhook/x"]).0 == .config)
        #expect(status(nil, ["TEAMS_WEBHOOK_URL": "not a url"]).0 == .config)
        #expect(status(nil, ["TEAMS_WEBHOOK_URL": "http://teams.example.com/x"]).0 != nil)
    }

    @Test(arguments: [
        ["--title", "x", "--text", "see https://prod.logic.azure.com/workflows/1"],
        ["--title", "https://x.powerplatform.com/a"],
        ["--title", "x", "SIG=abc"],
    ])
    func argumentsThatLookLikeTheWebhookAreRefused(arguments: [String]) {
        #expect(throws: Failure.self) { try Webhook.refuseSecretsInArguments(arguments) }
    }

    @Test func ordinaryArgumentsPass() throws {
        try Webhook.refuseSecretsInArguments(["--title", "Monthly report", "--fact", "period=2026-10", "--link", "Run=https://dev.azure.com/x"])
    }

    @Test func anyTwoHundredIsDeliveredOnceAsJSON() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let transport = StubTransport { _ in HTTPResponse(status: 202) }
        let payload = AdaptiveCard.message(title: "T", text: nil, facts: [], links: [], severity: .info)
        try await Webhook(url: Self.url, gateFolder: folder).post(payload, client: transport.client(attempts: 3))
        #expect(transport.requests.count == 1)
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST" && request.url == Self.url && request.header("Content-Type") == "application/json")
        #expect(request.body == payload.compactBytes)
        // The gate left its stamp, named by a hash of the URL, never the URL.
        let stamp = (folder as NSString).appendingPathComponent(RateGate.fileName(for: Self.url))
        #expect(FileManager.default.fileExists(atPath: stamp))
        #expect(!RateGate.fileName(for: Self.url).contains("TopSecret"))
        #expect(RateGate.fileName(for: Self.url) != RateGate.fileName(for: Self.url + "x"))
    }

    @Test(arguments: [
        (401, ReportKit.ExitStatus.noPermission), (403, .noPermission), (404, .noInput), (429, .tempFail), (500, .unavailable),
        (503, .unavailable), (400, .dataError), (413, .dataError),
    ])
    func refusalsMapToExitStatuses(status: Int, expected: ReportKit.ExitStatus) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let body = #"{"error":{"code":"DirectApiInvalidAuthorizationSignature","message":"The request has an invalid signature."}}"#
        let transport = StubTransport { _ in HTTPResponse(status: status, body: Array(body.utf8)) }
        do {
            try await Webhook(url: Self.url + "\(status)", gateFolder: folder).post(.object(JSONObject()), client: transport.client())
            Issue.record("expected a failure")
        } catch let failure as Failure {
            #expect(failure.exitStatus == expected)
            #expect(failure.message == "the Teams webhook refused the message: DirectApiInvalidAuthorizationSignature: The request has an invalid signature.")
            #expect(failure.location == "HTTP \(status)")
        }
    }

    @Test func aRefusalWithoutJSONQuotesTheStartOfTheBody() {
        let failure = Webhook.failure(HTTPResponse(status: 502, body: Array(String(repeating: "x", count: 300).utf8)))
        #expect(failure.exitStatus == .unavailable)
        #expect(failure.message == "the Teams webhook refused the message: " + String(repeating: "x", count: 200))
        #expect(Webhook.failure(HTTPResponse(status: 400)).message == "the Teams webhook refused the message: ")
    }

    @Test func postsToOneWebhookAreASecondApart() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let url = Self.url + "spacing"
        let first = try RateGate(for: url, folder: folder)
        try await first.wait()
        first.stamp()
        first.release()
        let started = Date()
        let second = try RateGate(for: url, folder: folder)
        try await second.wait()
        second.release()
        #expect(Date().timeIntervalSince(started) >= 0.8)
        // Another webhook has its own gate.
        let other = try RateGate(for: url + "other", folder: folder)
        let otherStarted = Date()
        try await other.wait()
        other.release()
        #expect(Date().timeIntervalSince(otherStarted) < 0.5)
    }

    @Test func theGateIsHeldUntilReleased() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let url = Self.url + "held"
        let holder = try RateGate(for: url, folder: folder)
        try await holder.wait()
        let released = Locked(false)
        let waiter = Task {
            let gate = try RateGate(for: url, folder: folder)
            try await gate.wait()
            let wasReleased = released.withLock { $0 }
            gate.release()
            return wasReleased
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        released.withLock { $0 = true }
        holder.release()
        #expect(try await waiter.value)
    }
}
