import Testing
@testable import NCPKit
import ReportKit

/// NCP's signature v2 documentation, computed with the official SDK's own function.
struct SigningTests {
    static let key = ("AKIATESTACCESSKEY001", "TestSecretKey0123456789abcdefghijklmnopq")
    static let example = ("ncpAccessKeyExample1", "ncpSecretKeyExample1ncpSecretKeyExample1")

    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let access: String
        let secret: String
        let method: String
        let target: String
        let timestamp: String
        let signature: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(name: "V1", access: key.0, secret: key.1, method: "POST",
               target: "/vserver/v2/getServerInstanceList?responseFormatType=json", timestamp: "1700000000000",
               signature: "mIstKiroSPqeJ6aECOy3VQ8vYTxjsF00DTjAp0r+mqQ="),
        Vector(name: "V2", access: key.0, secret: key.1, method: "GET",
               target: "/vserver/v2/getServerInstanceList?regionCode=KR&pageNo=1&pageSize=100&responseFormatType=json",
               timestamp: "1700000000000", signature: "ku8DWGeN7cYYEW0PoNfeWfG4LKYpxDt07/+s5W7ndTY="),
        Vector(name: "V3", access: example.0, secret: example.1, method: "GET",
               target: "/server/v2/getRegionList?responseFormatType=json", timestamp: "1712345678901",
               signature: "uMOjLC/EzLyPJjX/5JbHpgdyV8744ApO/EaP/aKHwMM="),
        Vector(name: "V4", access: key.0, secret: key.1, method: "POST", target: "/cw_fea/real/cw/api/data/query",
               timestamp: "1712345678901", signature: "3GFGsLF6fiGPTss+6ETB2RlnFXO22h2BAOqlQzV5eVo="),
        Vector(name: "V5", access: key.0, secret: key.1, method: "GET",
               target: "/billing/v1/cost/getDemandCostList?startMonth=202401&endMonth=202401&responseFormatType=json",
               timestamp: "1712345678901", signature: "A/Ldkm+nz/2qgcOyOcwc9ETiAzPck2gZm6QmhJyXXJ4="),
        Vector(name: "V6", access: key.0, secret: key.1, method: "GET",
               target: "/vserver/v2/getServerInstanceList?regionCode=KR&serverInstanceNoList.1=1234567&serverInstanceNoList.2=2345678&serverName=web%2001&responseFormatType=json",
               timestamp: "1712345678901", signature: "zJOpSYVliQNhI9dW01PrXGEvcMoXOa4kqKWIov36KVE="),
        Vector(name: "V7", access: key.0, secret: key.1, method: "GET", target: "/vnks/v2/clusters",
               timestamp: "1712345678901", signature: "Gn+PktaJ0Oo4+RvBGi5CwofptNeP8PeRtSSKhdzhDd8="),
    ]

    @Test(arguments: vectors)
    func signatureMatchesReference(_ v: Vector) {
        let signer = NCPSigner(accessKey: v.access, secretKey: v.secret)
        #expect(signer.signature(method: v.method, target: v.target, timestamp: v.timestamp) == v.signature)
        #expect(signer.verify(v.signature, method: v.method, target: v.target, timestamp: v.timestamp))
    }

    @Test func stringToSignIsThreeLinesWithoutTrailingNewline() {
        let signer = NCPSigner(accessKey: Self.key.0, secretKey: Self.key.1)
        let text = signer.stringToSign(method: "post", target: "/vserver/v2/getServerInstanceList?responseFormatType=json",
                                       timestamp: "1700000000000")
        #expect(text == "POST /vserver/v2/getServerInstanceList?responseFormatType=json\n1700000000000\nAKIATESTACCESSKEY001")
    }

    @Test func headersCarryTheV2Signature() {
        let signer = NCPSigner(accessKey: Self.key.0, secretKey: Self.key.1)
        let headers = signer.headers(method: "GET", target: "/vnks/v2/clusters", timestamp: "1712345678901")
        #expect(headers.map(\.name) == ["x-ncp-apigw-timestamp", "x-ncp-iam-access-key", "x-ncp-apigw-signature-v2"])
        #expect(headers[2].value == "Gn+PktaJ0Oo4+RvBGi5CwofptNeP8PeRtSSKhdzhDd8=")
    }

    @Test func aChangedQueryOrTimestampFailsVerification() {
        let v = Self.vectors[1]
        let signer = NCPSigner(accessKey: v.access, secretKey: v.secret)
        #expect(!signer.verify(v.signature, method: v.method, target: v.target.replacingOccurrences(of: "KR", with: "SGN"), timestamp: v.timestamp))
        #expect(!signer.verify(v.signature, method: v.method, target: v.target, timestamp: "1700000000001"))
        #expect(!signer.verify(v.signature, method: "POST", target: v.target, timestamp: v.timestamp))
    }

    /// V6's query built from parameters gives exactly the signed bytes.
    @Test func queryEncodingReproducesV6() {
        let query = QueryString.encode([
            ("regionCode", "KR"), ("serverInstanceNoList.1", "1234567"), ("serverInstanceNoList.2", "2345678"),
            ("serverName", "web 01"), ("responseFormatType", "json"),
        ])
        #expect("/vserver/v2/getServerInstanceList?" + query == Self.vectors[5].target)
    }
}
