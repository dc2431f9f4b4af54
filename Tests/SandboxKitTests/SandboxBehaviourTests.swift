import Foundation
import NCPKit
import ReportKit
import Testing
@testable import SandboxKit

struct SandboxBehaviourTests {
    @Test(arguments: [(1, 0), (0, 1), (1, 1), (0, 0)])
    func pagingBaseMismatchesNeverLoseItems(_ defaultBase: Int, _ cloudDBBase: Int) async throws {
        var scenario = Scenario.single(fleet: ["vpc/server": 23, "vpc/mysql": 23])
        scenario.pageBase = ["default": defaultBase, "clouddb": cloudDBBase]
        #expect(try await fetchAll(scenario, resource: "server", platform: .vpc, pageSize: 5).items.count == 23)
        #expect(try await fetchAll(scenario, resource: "mysql", platform: .vpc, pageSize: 5).items.count == 23)
    }

    @Test func pageSizeCapAppliesWithoutPagingParameters() {
        var scenario = Scenario.single(fleet: ["vpc/server": 30])
        scenario.maxPageSize = 10
        let sandbox = NCPSandbox(scenario: scenario)
        let response = sandbox.handle(signed(scenario, "GET", "/vserver/v2/getServerInstanceList", "responseFormatType=json"))
        let json = try! JSONParser.parse(response.body)
        #expect(json["getServerInstanceListResponse"]?["totalRows"]?.intValue == 30)
        #expect(json["getServerInstanceListResponse"]?["serverInstanceList"]?.arrayValue?.count == 10)
    }

    @Test func a250ItemFleetBehindA40ItemCapIsComplete() async throws {
        var scenario = Scenario.single(fleet: ["classic/block-storage": 250])
        scenario.maxPageSize = 40
        #expect(try await fetchAll(scenario, resource: "block-storage", platform: .classic, pageSize: 100).items.count == 250)
    }

    @Test func deniedResourceAnswers802() async throws {
        let scenario = Scenario.single(deny: ["vpc/nas-volume"])
        await #expect {
            _ = try await fetchAll(scenario, resource: "nas-volume", platform: .vpc)
        } throws: { error in
            guard let error = error as? NCPError else { return false }
            return error.code == "802" && error.exitStatus == .noPermission
                && error.message == "Error Message: You do not have authority about action : [NAS:View/getNASVolumeInstanceList]."
        }
        #expect(try await fetchAll(scenario, resource: "nas-volume", platform: .classic).items.count == 2)
    }

    @Test func throttledFirstCallsAreRetriedWithRetryAfter() async throws {
        var scenario = Scenario.single(fleet: ["vpc/server": 12])
        scenario.throttleFirstCall = true
        scenario.retryAfter = 1
        let sandbox = NCPSandbox(scenario: scenario)
        let first = sandbox.handle(signed(scenario, "GET", "/vserver/v2/getServerInstanceList", "responseFormatType=json"))
        #expect(first.status == 429)
        #expect(first.headers.contains { $0.name == "Retry-After" && $0.value == "1" })
        #expect(try JSONParser.parse(first.body)["error"]?["errorCode"]?.stringValue == "410")
        #expect(try await fetchAll(scenario, resource: "server", platform: .vpc, pageSize: 5).items.count == 12)
    }

    @Test func faultRatesAreDeterministicAndRetriedThrough() async throws {
        var scenario = Scenario.single(fleet: ["vpc/server": 40])
        scenario.rate429 = 0.2
        scenario.rate5xx = 0.2
        let statuses: () -> [Int] = {
            let sandbox = NCPSandbox(scenario: scenario)
            return (1...30).map { page in
                sandbox.handle(signed(scenario, "GET", "/vserver/v2/getServerInstanceList", "pageNo=\(page)&pageSize=1&responseFormatType=json")).status
            }
        }
        let a = statuses(), b = statuses()
        #expect(a == b)
        #expect(a.contains(429) && a.contains(503) && a.contains(200))
    }

    @Test func signaturesAndTimestampsAreChecked() throws {
        let scenario = Scenario.single()
        let sandbox = NCPSandbox(scenario: scenario)
        var request = signed(scenario, "GET", "/vserver/v2/getRegionList", "responseFormatType=json")
        #expect(sandbox.handle(request).status == 200)
        // The v1 header name the official SDKs use, same algorithm.
        request.headers = request.headers.map { $0.name == "x-ncp-apigw-signature-v2" ? ("x-ncp-apigw-signature-v1", $0.value) : $0 }
        #expect(sandbox.handle(request).status == 200)
        var tampered = signed(scenario, "GET", "/vserver/v2/getRegionList", "responseFormatType=json")
        tampered.rawQuery = "responseFormatType=json&regionCode=KR"
        let rejected = sandbox.handle(tampered)
        #expect(rejected.status == 401)
        #expect(try JSONParser.parse(rejected.body)["error"]?["errorCode"]?.stringValue == "200")
        let stale = signed(scenario, "GET", "/vserver/v2/getRegionList", "responseFormatType=json", at: Date().addingTimeInterval(-301))
        #expect(sandbox.handle(stale).status == 401)
        let fresh = signed(scenario, "GET", "/vserver/v2/getRegionList", "responseFormatType=json", at: Date().addingTimeInterval(-290))
        #expect(sandbox.handle(fresh).status == 200)
    }

    @Test func formBodiesAreAcceptedAsTheSDKsSendThem() throws {
        let scenario = Scenario.single(fleet: ["vpc/server": 3])
        let sandbox = NCPSandbox(scenario: scenario)
        var request = signed(scenario, "POST", "/vserver/v2/getServerInstanceList", nil)
        request.headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        request.body = Array("regionCode=KR&pageNo=1&pageSize=2&responseFormatType=json".utf8)
        let json = try JSONParser.parse(sandbox.handle(request).body)
        #expect(json["getServerInstanceListResponse"]?["serverInstanceList"]?.arrayValue?.count == 2)
    }

    @Test func pageNoWithoutPageSizeIsRejected() throws {
        let scenario = Scenario.single()
        let response = NCPSandbox(scenario: scenario).handle(signed(scenario, "GET", "/vserver/v2/getServerInstanceList", "pageNo=1&responseFormatType=json"))
        #expect(response.status == 400)
        #expect(try JSONParser.parse(response.body)["responseError"] != nil)
    }

    @Test func scenarioErrorsNameTheKey() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scenario-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"customers":[{"id":"a","accessKey":"K","secretKey":"S","fleet":{"vpc/toaster":3}}]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try Scenario.load(path: path) } throws: {
            ($0 as? Failure)?.exitStatus == .config && ($0 as? Failure)!.line.contains("customers[0].fleet")
        }
        try #"{"customers":[{"id":"a","secretKey":"S"}]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try Scenario.load(path: path) } throws: { ($0 as? Failure)!.line.contains("accessKey") }
    }

    @Test func generatedModelsMatchTheReference() throws {
        // The generated file must be what scripts/gen-sandbox-models makes of the reference.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let reference = root.deletingLastPathComponent().appendingPathComponent("shared/reference/ncp-sdk-models.json")
        guard let data = FileManager.default.contents(atPath: reference.path) else { return }  // no shared/ beside the repo
        let models = try #require(try JSONParser.parse(Array(data))["models"]?.objectValue)
        for (name, fields) in models.pairs where !name.hasSuffix("Request") && !name.hasSuffix("Response") {
            // SDK names as the API spells them, plus the fields the API reference adds.
            let generated = FleetGenerator.models[name]?.map(\.0) ?? []
            let expected = (fields.objectValue?.keys ?? []).map(FleetGenerator.apiName) + (ExtraModels.documentedFields[name] ?? []).map(\.0)
            #expect(Set(generated) == Set(expected), "\(name)")
        }
    }
}

func signed(_ scenario: Scenario, _ method: String, _ path: String, _ query: String?, at date: Date = Date()) -> SandboxRequest {
    let customer = scenario.customers[0]
    let signer = NCPSigner(accessKey: customer.accessKey, secretKey: customer.secretKey)
    let timestamp = Timestamps.epochMillis(date)
    let target = query.map { "\(path)?\($0)" } ?? path
    return SandboxRequest(method: method, path: path, rawQuery: query,
                          headers: signer.headers(method: method, target: target, timestamp: timestamp))
}

/// Regressions found in review.
struct SandboxReviewTests {
    @Test func oddPagingParametersAreRejectedOrEmptyNeverACrash() throws {
        let scenario = Scenario.single(fleet: ["vpc/server": 5])
        let sandbox = NCPSandbox(scenario: scenario)
        func status(_ query: String) -> Int {
            sandbox.handle(signed(scenario, "GET", "/vserver/v2/getServerInstanceList", query + "&responseFormatType=json")).status
        }
        #expect(status("pageNo=-3&pageSize=2") == 400)
        #expect(status("pageNo=1&pageSize=0") == 400)
        #expect(status("pageNo=x&pageSize=2") == 400)
        #expect(status("pageNo=9223372036854775807&pageSize=100") == 200)
        let far = sandbox.handle(signed(scenario, "GET", "/vserver/v2/getServerInstanceList", "pageNo=9223372036854775807&pageSize=100&responseFormatType=json"))
        #expect(try JSONParser.parse(far.body)["getServerInstanceListResponse"]?["serverInstanceList"]?.arrayValue?.isEmpty == true)
    }

    @Test func disabledCustomersAreRefused() {
        var scenario = Scenario.single()
        scenario.customers[0].disabled = true
        #expect(NCPSandbox(scenario: scenario).handle(signed(scenario, "GET", "/vserver/v2/getRegionList", "responseFormatType=json")).status == 401)
    }

    @Test func actionAPIsAnswerXMLUnlessAskedForJSON() {
        let scenario = Scenario.single()
        let response = NCPSandbox(scenario: scenario).handle(signed(scenario, "GET", "/vserver/v2/getRegionList", nil))
        #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("<?xml"))
    }
}

struct TeamsSandboxTests {
    func post(_ sandbox: NCPSandbox, _ body: String, query: String? = nil) -> (Int, String) {
        let url = URLComponents(string: sandbox.teamsURL(port: 1))!
        let response = sandbox.handle(SandboxRequest(
            method: "POST", path: url.path, rawQuery: query ?? url.percentEncodedQuery, headers: [("Content-Type", "application/json")],
            body: Array(body.utf8)))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test func validatesTheEnvelopeLikeTheRealFlow() {
        let sandbox = NCPSandbox(scenario: .single())
        let card = #"{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,"content":{"type":"AdaptiveCard","version":"1.4","body":[]}}]}"#
        #expect(post(sandbox, card).0 == 202)
        let missing = post(sandbox, #"{"type":"message","text":"hello"}"#)
        #expect(missing.0 == 400 && missing.1.contains("InvalidTemplate"))
        let huge = post(sandbox, card.replacingOccurrences(of: "\"body\":[]", with: "\"body\":[\"\(String(repeating: "x", count: 30_000))\"]"))
        #expect(huge.0 == 400 && huge.1.contains("MessageSizeExceeded"))
        #expect(post(sandbox, card, query: "sig=nope&api-version=1").0 == 401)
        #expect(post(sandbox, card, query: "sv=1.0").1.contains("MissingApiVersionParameter"))
    }
}
