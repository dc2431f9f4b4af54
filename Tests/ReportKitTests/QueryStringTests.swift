import Testing
@testable import ReportKit

struct QueryStringTests {
    @Test(arguments: [
        ("web 01", "web%2001"), ("a+b", "a%2Bb"), ("a&b=c", "a%26b%3Dc"), ("한글", "%ED%95%9C%EA%B8%80"),
        ("safe-._~AZaz09", "safe-._~AZaz09"), ("/path?", "%2Fpath%3F"), ("", ""),
    ])
    func escapesEverythingButUnreserved(_ raw: String, _ encoded: String) {
        #expect(QueryString.escape(raw) == encoded)
        #expect(QueryString.unescape(encoded) == raw)
    }

    @Test func keepsOrderAndDecodesFormBodies() {
        let pairs = QueryString.decode("b=2&a=1&name=web+01&empty=&flag")
        #expect(pairs.map(\.key) == ["b", "a", "name", "empty", "flag"])
        #expect(pairs.map(\.value) == ["2", "1", "web 01", "", ""])
    }

    @Test func serviceComesFromThePathPrefix() {
        #expect(NCPService.forPath("/vserver/v2/getServerInstanceList") == .main)
        #expect(NCPService.forPath("/cw_fea/real/cw/api/data/query") == .cloudInsight)
        #expect(NCPService.forPath("/billing/v1/cost/getDemandCostList") == .billing)
        #expect(NCPService.forPath("/api/v1/resources") == .resourceManager)
        #expect(NCPService.forPath("/vnks/v2/clusters") == .nks)
    }

    @Test func gatewayOverrideReplacesEveryHost() {
        let endpoints = Endpoints(site: .gov, gatewayOverride: "http://127.0.0.1:8080/")
        #expect(endpoints.url(path: "/cw_fea/x", query: "") == "http://127.0.0.1:8080/cw_fea/x")
        let real = Endpoints(site: .gov)
        #expect(real.url(path: "/vserver/v2/getZoneList", query: "regionCode=KR")
            == "https://ncloud.apigw.gov-ntruss.com/vserver/v2/getZoneList?regionCode=KR")
        #expect(real.url(path: "/billing/v1/x", query: "") == "https://billingapi.apigw.gov-ntruss.com/billing/v1/x")
        #expect(Endpoints(site: .fin).url(path: "/vserver/v2/a", query: "") == "https://fin-ncloud.apigw.fin-ntruss.com/vserver/v2/a")
    }
}
