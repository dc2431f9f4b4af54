import Testing
@testable import NCPKit
import ReportKit

struct ErrorMappingTests {
    @Test(arguments: [
        (400, #"{"responseError":{"returnCode":"802","returnMessage":"You do not have authority about action : [NAS:View/getNASVolumeInstanceList]."}}"#, ReportKit.ExitStatus.noPermission),
        (200, #"{"responseError":{"returnCode":"800","returnMessage":"no"}}"#, .noPermission),
        (400, #"{"responseError":{"returnCode":"1300","returnMessage":"bad"}}"#, .dataError),
        (500, #"{"responseError":{"returnCode":"1300","returnMessage":"bad"}}"#, .unavailable),
        (401, #"{"error":{"errorCode":"200","message":"Authentication Failed"}}"#, .noPermission),
        (401, #"{"error":{"errorCode":210,"message":"Permission Denied"}}"#, .noPermission),
        (429, #"{"error":{"errorCode":"410","message":"Throttle Limited"}}"#, .tempFail),
        (429, #"{"error":{"errorCode":"400","message":"Quota Exceeded"}}"#, .tempFail),
        (503, #"{"error":{"errorCode":"500","message":"Endpoint Error"}}"#, .unavailable),
        (504, #"{"error":{"errorCode":"510","message":"Endpoint Timeout"}}"#, .unavailable),
        (404, #"{"error":{"errorCode":"300","message":"Not Found Exception"}}"#, .noInput),
        (400, #"{"error":{"errorCode":"100","message":"Bad Request Exception"}}"#, .dataError),
        (200, #"{"getServerInstanceListResponse":{"returnCode":"1007009","returnMessage":"busy"}}"#, .dataError),
        (502, "<html>bad gateway</html>", .unavailable),
        (403, "", .noPermission),
    ])
    func mapsBodiesAndStatusesToExitCodes(_ status: Int, _ body: String, _ expected: ReportKit.ExitStatus) throws {
        let response = HTTPResponse(status: status, body: Array(body.utf8))
        #expect {
            _ = try NCPClient.decode(response, target: "GET /x")
        } throws: { error in
            (error as? any ToolError)?.exitStatus == expected
        }
    }

    @Test func messageUsesTheV2Wording() {
        let json = try? JSONParser.parse(#"{"responseError":{"returnCode":"802","returnMessage":"You do not have authority."}}"#)
        let error = NCPError.from(status: 400, body: json, rawBody: "", target: "GET /vnas/v2/getNasVolumeInstanceList")!
        #expect(error.line == "Error Message: You do not have authority. (GET /vnas/v2/getNasVolumeInstanceList, returnCode 802, HTTP 400)")
    }

    @Test func successIsNotAnError() throws {
        let ok = HTTPResponse(status: 200, body: Array(#"{"getRegionListResponse":{"returnCode":"0","regionList":[]}}"#.utf8))
        #expect(try NCPClient.decode(ok, target: "t")["getRegionListResponse"] != nil)
        let notJSON = HTTPResponse(status: 200, body: Array("<xml/>".utf8))
        #expect { _ = try NCPClient.decode(notJSON, target: "t") } throws: { ($0 as? Failure)?.exitStatus == .dataError }
    }
}

/// What NCP's errors say in fields: a deliberate denial is `denied`, a refused key `refused`.
struct NCPErrorKindTests {
    func error(_ origin: NCPError.Origin, _ code: String, http: Int) -> NCPError {
        NCPError(origin: origin, code: code, returnMessage: "m", httpStatus: http, target: "GET /x")
    }

    @Test func deniedRefusedAndTheCodesCarried() {
        #expect(error(.service, "800", http: 400).kind == .denied)
        #expect(error(.service, "802", http: 400).kind == .denied)
        #expect(error(.gateway, "200", http: 401).kind == .refused)
        #expect(error(.http, "401", http: 401).kind == .refused)
        #expect(error(.gateway, "400", http: 429).kind == .throttled)
        #expect(error(.service, "1200", http: 400).kind == .badData)
        let record = FailureRecord(error(.service, "802", http: 400))
        #expect(record.returnCode == "802" && record.httpStatus == 400 && record.exit == 77)
        #expect(FailureRecord(error(.http, "503", http: 503)).returnCode == nil)
    }
}
