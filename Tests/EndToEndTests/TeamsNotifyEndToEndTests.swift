import Foundation
import Testing
import ReportKit

/// The built `teams-notify`: golden payloads, the size cut, delivery against the sandbox's
/// Workflows webhook, and the credential rules.
@Suite(.serialized)
struct TeamsNotifyEndToEndTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
    }

    func notify(_ args: [String], env: [String: String] = ToolRunner.baseEnvironment(), stdin: String? = nil) throws -> ToolRunner.Result {
        try ToolRunner.run("teams-notify", args, environment: env, stdin: stdin)
    }

    /// Structural comparison: same JSON values, whatever the whitespace.
    func same(_ a: String, _ b: String) throws -> Bool {
        try JSONParser.parse(a) == JSONParser.parse(b)
    }

    @Test func goldenMessageCard() throws {
        let result = try notify([
            "--dry-run", "--title", "월간 보고서 완료", "--text", "Monthly report finished.\n두 번째 줄", "--fact", "period=2026-10",
            "--fact", "customers=3", "--link", "Pipeline=https://dev.azure.com/msp/report/_build/results?buildId=42", "--severity", "warning",
        ])
        #expect(result.status == 0)
        #expect(try same(result.stdout, Self.fixture("teams-message.json")))
        let card = try JSONParser.parse(result.stdout)["attachments"]?.arrayValue?.first?["content"]
        #expect(card?["version"]?.stringValue == "1.4")
        #expect(card?["body"]?.arrayValue?[1]["text"]?.stringValue == "Monthly report finished.\n두 번째 줄")
    }

    @Test func goldenV2ErrorCard() throws {
        let result = try notify([
            "--dry-run", "--template", "v2-error", "--fact", "Customer ID=alpha", "--fact", "Customer Type=pri", "--fact", "Platform Type=VPC",
            "--fact", "Service Type=server",
            "--fact", "Error Message=Error Message: You do not have authority about action : [NAS:View/getNASVolumeInstanceList].",
            "--fact", "Datetime=2026-11-01 00:10:00", "--fact", "API Server=https://ncloud.apigw.ntruss.com",
            "--fact", "URI=/vnas/v2/getNasVolumeInstanceList",
        ])
        #expect(result.status == 0)
        #expect(try same(result.stdout, Self.fixture("teams-v2-error.json")))
        let facts = try JSONParser.parse(result.stdout)["attachments"]?.arrayValue?.first?["content"]?["body"]?.arrayValue?[1]["facts"]?.arrayValue
        #expect(facts?.compactMap { $0["title"]?.stringValue } == [
            "Customer ID", "Customer Type", "Platform Type", "Service Type", "Error Message", "Datetime", "API Server", "URI",
        ])
    }

    @Test func goldenSummaryCard() throws {
        let result = try notify(["--dry-run", "--summary"], stdin: try Self.fixture("outcomes.ndjson"))
        #expect(result.status == 0)
        #expect(try same(result.stdout, Self.fixture("teams-summary.json")))
    }

    @Test func aKoreanCardCountsWhatTheTableCountsAndARefusedKeyIsOneLine() throws {
        let refused = "HTTP 401: Authentication Failed"
        let records = ["server", "block-storage", "nas-volume"].map {
            #"{"customer":"bravo","period":"2026-10","platform":"vpc","region":"KR","resource":"\#($0)","step":"fetch","status":"failed","exit":77,"error":"\#(refused)"}"#
        }.joined(separator: "\n")
        let result = try notify(["--dry-run", "--summary", "--lang", "ko"], stdin: records)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("실패 3, 권한 없음 0"))
        #expect(result.stdout.contains(#""title":"고객별""#) || result.stdout.contains("고객별"))
        #expect(result.stdout.components(separatedBy: refused).count - 1 == 1, "\(result.stdout)")
        #expect(result.stdout.contains("3개 단계 (exit 77): vpc/KR/server (fetch), vpc/KR/block-storage (fetch), vpc/KR/nas-volume (fetch)"))
        #expect(try notify(["--dry-run", "--summary", "--lang", "fr"], stdin: records).status == 64)
    }

    @Test func fiveHundredFailuresAreCutToTheBudget() throws {
        let records = (1...500).map { index in
            #"{"customer":"customer-\#(index % 40)","period":"2026-10","platform":"vpc","region":"KR","resource":"server","step":"fetch","status":"failed","exit":69,"error":"Error Message: Endpoint Error (GET /vserver/v2/getServerInstanceList, errorCode 500, HTTP 503) attempt \#(index)"}"#
        }.joined(separator: "\n")
        let result = try notify(["--dry-run", "--summary"], stdin: records)
        #expect(result.status == 0)
        let bytes = Array(result.stdout.utf8).count - 1
        #expect(bytes <= 20_000 && bytes > 15_000)
        #expect(result.stdout.range(of: #"…and \d+ more not shown"#, options: .regularExpression) != nil)
        let bad = try notify(["--dry-run", "--summary"], stdin: #"{"customer":"a","status":"ok"}"# + "\n" + #"{"customer":"a","status":"exploded"}"#)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("line 2: field status must be one of"))
        let nothing = try notify(["--dry-run", "--summary"], stdin: "")
        #expect(nothing.status == 66)
    }

    @Test func credentialsNeverOnTheCommandLine() throws {
        let url = "https://prod-01.koreacentral.logic.azure.com:443/workflows/x/triggers/manual/paths/invoke?api-version=2016-06-01&sig=SECRETSIG"
        for args in [["--title", "x", "--webhook-url", url], ["--title", url], [url]] {
            let result = try notify(args)
            #expect(result.status == 64)
            #expect(!result.stderr.contains("SECRETSIG"))
            #expect(result.stderr.contains("TEAMS_WEBHOOK_URL or --webhook-file"))
        }
        var env = ToolRunner.baseEnvironment()
        env["TEAMS_WEBHOOK_URL"] = "https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456"
        let legacy = try notify(["--title", "x"], env: env)
        #expect(legacy.status == 78)
        #expect(legacy.stderr.contains("retired"))
        #expect(!legacy.stderr.contains("abc@def"))
        let none = try notify(["--title", "x"])
        #expect(none.status == 78)
    }

    @Test func throttledThenDeliveredOnceAndSpacedAtOnePerSecond() throws {
        let sandbox = try RunningSandbox(scenario: #"{"retryAfter": 1, "teamsFaults": [429], "customers": [{"id": "t", "accessKey": "K", "secretKey": "S0123456789"}]}"#)
        defer { sandbox.stop() }
        var env = sandbox.environment
        env["XDG_RUNTIME_DIR"] = sandbox.directory.path
        let started = Date()
        let first = try notify(["--title", "첫 번째"], env: env)
        #expect(first.status == 0, "\(first.stderr)")
        let second = try notify(["--title", "두 번째"], env: env)
        #expect(second.status == 0)
        #expect(Date().timeIntervalSince(started) >= 2.0)  // Retry-After 1 s, then 1 s spacing
        let cards = (try? String(contentsOf: sandbox.directory.appendingPathComponent("teams.jsonl"), encoding: .utf8))?
            .split(separator: "\n") ?? []
        #expect(cards.count == 2)
        #expect(cards.first?.contains("첫 번째") == true)
        #expect(sandbox.requests.filter { $0.contains("/teams/") }.count == 3)
        #expect(!first.stderr.contains("sig=") && !(sandbox.environment["TEAMS_WEBHOOK_URL"].map { first.stderr.contains($0) } ?? true))
    }

    @Test func flowErrorsAreReported() throws {
        let sandbox = try RunningSandbox(scenario: #"{"teamsFaults": [503, 503, 503, 503], "customers": [{"id": "t", "accessKey": "K", "secretKey": "S0123456789"}]}"#)
        defer { sandbox.stop() }
        var env = sandbox.environment
        env["XDG_RUNTIME_DIR"] = sandbox.directory.path
        env["REPORT_RETRIES"] = "2"
        let down = try notify(["--title", "x"], env: env)
        #expect(down.status == 69)
        #expect(down.stderr.contains("ServiceUnavailable"))
        env["TEAMS_WEBHOOK_URL"] = env["TEAMS_WEBHOOK_URL"]!.replacingOccurrences(of: "sig=", with: "sig=wrong")
        let forged = try notify(["--title", "x"], env: env)
        #expect(forged.status == 77)
        #expect(forged.stderr.contains("DirectApiInvalidAuthorizationSignature"))
        #expect(!forged.stderr.contains("wrong"))
    }
}
