import Foundation
import Testing
import ReportKit
@testable import NCPKit

/// `ncp-fetch RESOURCE` as a kit call: a stream with its trailer only when all went well.
struct InventoryJobTests {
    /// Answers every call with one fixed body and status.
    struct FixedTransport: HTTPTransport {
        let status: Int
        let body: String

        func perform(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse {
            HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        }
    }

    func job(status: Int = 200, body: String, trailer: Bool = true) -> InventoryJob {
        let http = HTTPClient(transport: FixedTransport(status: status, body: body), policy: RetryPolicy(maxAttempts: 1))
        let client = NCPClient(http: http, credentials: NCPCredentials(accessKey: "AK", secretKey: "SK", source: "test"),
                               endpoints: Endpoints(site: .public))
        var job = InventoryJob(fetcher: InventoryFetcher(client: client))
        job.trailer = trailer
        return job
    }

    let target = NCPTargetOptions.Resolved(platform: .vpc, site: .public, region: "KR", customer: "alpha")

    func output() throws -> (ReportKit.OutputStream, String, Int32) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inventory-\(UUID().uuidString).ndjson").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        return (ReportKit.OutputStream(fd: fd), path, fd)
    }

    static let servers = """
        {"getServerInstanceListResponse":{"returnCode":"0","totalRows":2,"serverInstanceList":[
        {"serverInstanceNo":"1","serverName":"web"},{"serverInstanceNo":"2","serverName":"db"}]}}
        """

    @Test func aCompleteListingEndsWithItsTrailer() async throws {
        let (out, path, fd) = try output()
        defer { close(fd) }
        let items = try await job(body: Self.servers).fetch("server", parameters: [], platform: .vpc, resolved: target, to: out)
        #expect(items == 2)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first?.contains(#""_customer":"alpha""#) == true)
        #expect(lines.last == #"{"_trailer":{"items":2,"complete":true}}"#)
    }

    @Test func aDenialIsThrownInFieldsAndWritesNoTrailer() async throws {
        let (out, path, fd) = try output()
        defer { close(fd) }
        let denied = #"{"responseError":{"returnCode":"800","returnMessage":"You do not have authority."}}"#
        do {
            _ = try await job(status: 400, body: denied).fetch("server", parameters: [], platform: .vpc, resolved: target, to: out)
            Issue.record("a denial was not thrown")
        } catch let error as NCPError {
            #expect(error.kind == .denied && error.returnCode == "800" && error.httpStatusCode == 400)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("_trailer") == false)
    }

    @Test func unknownResourcesAndPlatformsAreUsageErrorsBeforeAnyCall() async throws {
        let (out, _, fd) = try output()
        defer { close(fd) }
        let job = job(body: "not reached")
        await #expect(throws: Failure.self) { try await job.fetch("no-such-thing", parameters: [], platform: .vpc, resolved: target, to: out) }
        let classicOnly = try #require(ResourceCatalog.all.first { $0.spec(for: .vpc) == nil })
        do {
            _ = try await job.fetch(classicOnly.name, parameters: [], platform: .vpc, resolved: target, to: out)
            Issue.record("\(classicOnly.name) on vpc was accepted")
        } catch let failure as Failure {
            #expect(failure.exitStatus == .usage && failure.location == "--platform")
        }
        #expect(InventoryJob.defaultValue(for: "startMonth")?.count == 6)
        #expect(InventoryJob.defaultValue(for: "other") == nil)
    }
}
