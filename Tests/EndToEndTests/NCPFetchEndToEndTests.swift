import Foundation
import Testing
import NCPKit
import ReportKit

/// The built `ncp-fetch` against a running `cloud-sandbox`, as an operator would run them.
@Suite(.serialized)
struct NCPFetchEndToEndTests {
    /// Page cap 5 and fleets of 7 and 13 make every paged resource take several pages.
    static let scenario = """
        {"seed": 7, "maxPageSize": 5, "pageBase": {"default": 1, "clouddb": 0},
         "customers": [
           {"id": "alpha", "accessKey": "E2EALPHAKEY", "secretKey": "e2eAlphaSecret0123456789",
            "fleet": {\(ResourceCatalog.all.flatMap { r in r.platforms.map { "\"\($0.rawValue)/\(r.name)\": \($0 == .vpc ? 13 : 7)" } }
                        .filter { !$0.contains("/region\"") && !$0.contains("/zone\"") && !$0.contains("/resource\"") }
                        .joined(separator: ", "))}},
           {"id": "bravo", "accessKey": "E2EBRAVOKEY", "secretKey": "e2eBravoSecret0123456789",
            "platforms": ["vpc"], "fleet": {"vpc/server": 4, "vpc/server@SGN": 2},
            "deny": ["vpc/nas-volume", "vpc/server@SGN"]}
         ]}
        """

    static func parameters(_ name: String) -> [String] {
        switch name {
        case "server-product": return ["serverImageProductCode=SPSW0LNX00000001"]
        case "cost": return ["startMonth=202610", "endMonth=202610"]
        default: return []
        }
    }

    @Test func everyCatalogResourceOnBothPlatformsMatchesTheScenario() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario)
        defer { sandbox.stop() }
        let env = sandbox.environment(for: "alpha")
        var checked = 0
        for resource in ResourceCatalog.all {
            for platform in resource.platforms {
                let result = try ToolRunner.run(
                    "ncp-fetch", [resource.name, "--platform", platform.rawValue, "--trailer", "--customer", "alpha"] + Self.parameters(resource.name),
                    environment: env)
                let label = "\(platform.rawValue)/\(resource.name)"
                #expect(result.status == 0, "\(label): \(result.stderr)")
                var lines = result.lines
                let trailer = try #require(lines.popLast().map { try JSONParser.parse($0) }, "\(label)")
                let expected: Int
                switch resource.name {
                case "region": expected = platform == .vpc ? 3 : 8
                case "zone": expected = 2
                case "resource": expected = -1  // every inventory resource of both platforms
                // Account-wide resources (billing, CDN) take the first fleet key: the VPC one.
                default: expected = platform == .vpc || resource.spec(for: platform)?.region == .global ? 13 : 7
                }
                if expected >= 0 { #expect(lines.count == expected, "\(label)") }
                #expect(trailer["_trailer"]?["items"]?.intValue == lines.count, "\(label)")
                #expect(trailer["_trailer"]?["complete"] == .bool(true))
                for line in lines {
                    let item = try JSONParser.parse(line)
                    #expect(item["_resource"]?.stringValue == resource.name)
                    #expect(item["_customer"]?.stringValue == "alpha")
                }
                checked += 1
            }
        }
        #expect(checked >= 45)
    }

    @Test func deniedResourceIsExit77WithTheV2MessageAndNoTrailer() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario)
        defer { sandbox.stop() }
        let result = try ToolRunner.run("ncp-fetch", ["nas-volume", "--trailer"], environment: sandbox.environment(for: "bravo"))
        #expect(result.status == 77)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(
            "ncp-fetch: error: Error Message: You do not have authority about action : [NAS:View/getNASVolumeInstanceList]. (GET /vnas/v2/getNasVolumeInstanceList, returnCode 802, HTTP 400)"))
    }

    @Test func aFailingToolWritesItsFailureRecordWhereTheRunnerAsks() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario)
        defer { sandbox.stop() }
        let record = sandbox.directory.appendingPathComponent("failure.json").path
        var environment = sandbox.environment(for: "bravo")
        environment["REPORT_FAILURE_FILE"] = record
        let denied = try ToolRunner.run("ncp-fetch", ["nas-volume"], environment: environment)
        #expect(denied.status == 77)
        let value = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: record))))
        #expect(value["kind"]?.stringValue == "denied")
        #expect(value["returnCode"]?.stringValue == "802")
        #expect(value["httpStatus"]?.intValue == 400)
        #expect(value["exit"]?.intValue == 77)
        #expect(value["error"]?.stringValue?.hasPrefix("Error Message: You do not have authority") == true)
        let attributes = try FileManager.default.attributesOfItem(atPath: record)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // A usage error is a usage error in fields too.
        let usage = try ToolRunner.run("ncp-fetch", ["no-such-resource"], environment: environment)
        #expect(usage.status == 64)
        #expect(try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: record))))["kind"]?.stringValue == "usage")
    }

    @Test func allRegionsCarriesOnPastAFailingRegionWithoutATrailer() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario)
        defer { sandbox.stop() }
        let result = try ToolRunner.run("ncp-fetch", ["server", "--region", "all", "--trailer"], environment: sandbox.environment(for: "bravo"))
        #expect(result.status == 77)
        #expect(result.lines.count == 4)  // KR's servers printed; SGN denied; JPN empty
        #expect(!result.stdout.contains("_trailer"))
        #expect(result.stderr.contains("region(s) failed"))
        let jpn = sandbox.requests.filter { $0.contains("regionCode=JPN") }
        #expect(!jpn.isEmpty, "JPN was still fetched after SGN failed")
    }

    @Test func throttlingIsRetriedWithRetryAfter() throws {
        let scenario = #"{"maxPageSize": 5, "throttleFirstCall": true, "retryAfter": 1, "customers": [{"id": "t", "accessKey": "TKEY", "secretKey": "tSecret0123456789", "fleet": {"vpc/server": 12}}]}"#
        let sandbox = try RunningSandbox(scenario: scenario)
        defer { sandbox.stop() }
        let started = Date()
        let result = try ToolRunner.run("ncp-fetch", ["server", "--trailer"], environment: sandbox.environment(for: "t"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines.count == 13)
        #expect(Date().timeIntervalSince(started) >= 1.0, "Retry-After: 1 was honoured")
        #expect(sandbox.requests.filter { $0.contains("\"status\":429") }.count == 1)
    }

    @Test func persistentThrottlingIsExit75AndOutagesExit69() throws {
        let throttled = #"{"rate429": 1.0, "retryAfter": 0, "customers": [{"id": "t", "accessKey": "TKEY", "secretKey": "tSecret0123456789"}]}"#
        let sandbox = try RunningSandbox(scenario: throttled)
        let result = try ToolRunner.run("ncp-fetch", ["server", "--retries", "3"], environment: sandbox.environment(for: "t"))
        sandbox.stop()
        #expect(result.status == 75)
        #expect(result.stderr.contains("Error Message: Throttle Limited"))

        let down = #"{"rate5xx": 1.0, "customers": [{"id": "t", "accessKey": "TKEY", "secretKey": "tSecret0123456789"}]}"#
        let outage = try RunningSandbox(scenario: down)
        defer { outage.stop() }
        var env = outage.environment(for: "t")
        env["REPORT_RETRIES"] = "2"
        let failed = try ToolRunner.run("ncp-fetch", ["server"], environment: env)
        #expect(failed.status == 69)
        #expect(outage.requests.count == 2)
    }

    @Test func operatorErrors() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario)
        defer { sandbox.stop() }
        var env = ToolRunner.baseEnvironment()
        env["NCLOUD_API_GW"] = sandbox.environment["NCLOUD_API_GW"]
        let missing = try ToolRunner.run("ncp-fetch", ["server"], environment: env)
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("NCLOUD_ACCESS_KEY"))

        var wrong = sandbox.environment(for: "alpha")
        wrong["NCLOUD_SECRET_KEY"] = "not-the-secret"
        let denied = try ToolRunner.run("ncp-fetch", ["server"], environment: wrong)
        #expect(denied.status == 77)
        #expect(denied.stderr.contains("Error Message: Authentication Failed"))
        #expect(!denied.stderr.contains("not-the-secret"))

        let unknown = try ToolRunner.run("ncp-fetch", ["toaster"], environment: sandbox.environment(for: "alpha"))
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("unknown resource 'toaster'"))

        let wrongPlatform = try ToolRunner.run("ncp-fetch", ["vpc", "--platform", "classic"], environment: sandbox.environment(for: "alpha"))
        #expect(wrongPlatform.status == 64)
        #expect(wrongPlatform.stderr.contains("only: vpc"))
    }

    @Test func jsonLogsAndTheCallEscapeHatch() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario)
        defer { sandbox.stop() }
        let env = sandbox.environment(for: "bravo")
        let result = try ToolRunner.run("ncp-fetch", ["nas-volume", "--log-format", "json", "-v"], environment: env)
        let logs = try result.stderr.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(!logs.isEmpty)
        #expect(logs.allSatisfy { $0["ts"] != nil && $0["level"] != nil && $0["tool"]?.stringValue == "ncp-fetch" && $0["msg"] != nil })
        #expect(logs.last?["level"]?.stringValue == "error")

        let call = try ToolRunner.run("ncp-fetch", ["call", "GET", "/vserver/v2/getZoneList", "regionCode=KR"], environment: env)
        #expect(call.status == 0)
        let zones = try JSONParser.parse(call.stdout)
        #expect(zones["getZoneListResponse"]?["zoneList"]?.arrayValue?.count == 2)

        let posted = try ToolRunner.run("ncp-fetch", ["call", "POST", "/api/v1/resources", "--body", "-"], environment: env, stdin: "{}")
        #expect(posted.status == 0, "\(posted.stderr)")
        #expect(try JSONParser.parse(posted.stdout)["items"]?.arrayValue?.isEmpty == false)
        let bad = try ToolRunner.run("ncp-fetch", ["call", "GET", "vserver/v2/getZoneList"], environment: env)
        #expect(bad.status == 64)
    }

    @Test func aReaderThatGoesAwayIsAQuietSuccess() throws {
        // 3,000 servers are megabytes of NDJSON: far more than a pipe buffer holds.
        let sandbox = try RunningSandbox(scenario: #"{"customers": [{"id": "alpha", "accessKey": "K", "secretKey": "S0123456789", "fleet": {"vpc/block-storage": 3000}}]}"#)
        defer { sandbox.stop() }
        let fetch = try ToolRunner.executable("ncp-fetch").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "set -o pipefail; '\(fetch)' block-storage --platform vpc | head -n 1 >/dev/null; echo \"status=${PIPESTATUS[0]}\" >&2"]
        process.environment = sandbox.environment(for: "alpha")
        let err = Pipe()
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr == "status=0\n")
    }
}
