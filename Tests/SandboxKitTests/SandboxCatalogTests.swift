import Foundation
import NCPKit
import ReportKit
import Testing
@testable import SandboxKit

/// Every catalog resource on every platform it exists on, through the real client stack.
struct SandboxCatalogTests {
    static var combinations: [(String, Platform)] {
        ResourceCatalog.all.flatMap { resource in resource.platforms.map { (resource.name, $0) } }
    }

    static func required(_ resource: String) -> [(key: String, value: String)] {
        switch resource {
        case "server-product": return [("serverImageProductCode", "SPSW0LNX00000001")]
        case "cost": return [("startMonth", "202610"), ("endMonth", "202610")]
        default: return []
        }
    }

    @Test(arguments: combinations)
    func countsMatchTheScenario(_ name: String, _ platform: Platform) async throws {
        let key = "\(platform.rawValue)/\(name)"
        let fixed = ["region", "zone", "resource"].contains(name)
        let scenario = Scenario.single(fleet: fixed ? [:] : [key: 7])
        let (items, outcome) = try await fetchAll(scenario, resource: name, platform: platform, pageSize: 3,
                                                  parameters: Self.required(name))
        let expected: Int
        switch name {
        case "region": expected = platform == .vpc ? 3 : 8
        case "zone": expected = 2
        case "resource": expected = FleetGenerator(scenario: scenario).items(customer: 0, platform: .vpc, resource: "resource", region: "KR").count
        case "cloud-db": expected = 7  // fanned out over dbKindCode: 3 + 2 + 2
        default: expected = 7
        }
        #expect(items.count == expected, "\(key)")
        #expect(outcome.items == expected)
        let spec = ResourceCatalog.named(name)!.spec(for: platform)!
        if let idField = spec.idField, !items.isEmpty {
            let ids = items.compactMap { $0[idField]?.scalarText }
            #expect(Set(ids).count == items.count, "ids of \(key) are distinct")
        }
        for item in items {
            #expect(item["_resource"]?.stringValue == name)
            #expect(item["_platform"]?.stringValue == platform.rawValue)
            #expect(item["_customer"]?.stringValue == "acme")
            #expect(item.objectValue?.keys.last == "_fetchedAt")
        }
    }

    @Test func itemsAreShapedLikeTheSDKModels() async throws {
        let (items, _) = try await fetchAll(.single(), resource: "server", platform: .vpc)
        let server = try #require(items.first)
        #expect(server["serverInstanceNo"]?.stringValue?.allSatisfy(\.isNumber) == true)
        #expect(server["memorySize"].map { if case .number = $0 { true } else { false } } == true)
        #expect(server["serverInstanceStatus"]?["code"]?.stringValue == "RUN")
        let date = try #require(server["createDate"]?.stringValue)
        #expect(date.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0900$"#, options: .regularExpression) != nil)
        let (classic, _) = try await fetchAll(.single(), resource: "server", platform: .classic)
        #expect(classic.first?["region"]?["regionNo"]?.stringValue == "1")
        #expect(classic.first?["privateIp"] != nil)
    }

    @Test func resourcesPointAtEachOther() async throws {
        let scenario = Scenario.single(fleet: ["vpc/server": 4, "vpc/vpc": 2, "vpc/block-storage": 9, "vpc/nas-volume": 3])
        let servers = try await fetchAll(scenario, resource: "server", platform: .vpc).items
        let vpcs = try await fetchAll(scenario, resource: "vpc", platform: .vpc).items
        let volumes = try await fetchAll(scenario, resource: "block-storage", platform: .vpc).items
        let nas = try await fetchAll(scenario, resource: "nas-volume", platform: .vpc).items
        let serverIDs = Set(servers.compactMap { $0["serverInstanceNo"]?.stringValue })
        let vpcIDs = Set(vpcs.compactMap { $0["vpcNo"]?.stringValue })
        #expect(servers.allSatisfy { vpcIDs.contains($0["vpcNo"]?.stringValue ?? "") })
        #expect(volumes.allSatisfy { serverIDs.contains($0["serverInstanceNo"]?.stringValue ?? "") })
        #expect(nas.allSatisfy { ($0["nasVolumeServerInstanceNoList"]?.arrayValue ?? []).allSatisfy { serverIDs.contains($0.stringValue ?? "") } })
    }

    @Test func sameScenarioSameItems() async throws {
        let a = try await fetchAll(.single(), resource: "mysql", platform: .vpc).items
        let b = try await fetchAll(.single(), resource: "mysql", platform: .vpc).items
        let strip: (JSONValue) -> String = { item in
            guard case .object(var o) = item else { return "" }
            o.pairs.removeAll { $0.key == "_fetchedAt" }
            return JSONValue.object(o).compactString
        }
        #expect(a.map(strip) == b.map(strip))
        #expect(a.first?["cloudMysqlServerInstanceList"]?.arrayValue?.count == 2)
    }

    @Test func otherRegionsAndAllRegions() async throws {
        let scenario = Scenario.single(fleet: ["vpc/server": 5, "vpc/server@SGN": 3])
        #expect(try await fetchAll(scenario, resource: "server", platform: .vpc, region: "SGN").items.count == 3)
        let all = try await fetchAll(scenario, resource: "server", platform: .vpc, region: nil).items
        #expect(all.count == 8)
        #expect(Set(all.compactMap { $0["_region"]?.stringValue }) == ["KR", "SGN"])
        let classic = Scenario.single(fleet: ["classic/server": 2, "classic/server@DEN": 4])
        let den = try await fetchAll(classic, resource: "server", platform: .classic, region: "DEN").items
        #expect(den.count == 4 && den.allSatisfy { $0["region"]?["regionNo"]?.stringValue == "10" })
    }

    @Test func nksClustersLiveInTheRegionOfThePath() async throws {
        let scenario = Scenario.single(fleet: ["vpc/nks-cluster@SGN": 2])
        #expect(try await fetchAll(scenario, resource: "nks-cluster", platform: .vpc, region: "SGN").items.count == 2)
        #expect(try await fetchAll(scenario, resource: "nks-cluster", platform: .vpc, region: "KR").items.count == 2)
    }
}
