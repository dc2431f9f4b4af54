import Testing
@testable import NCPKit

struct EndpointTests {
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
