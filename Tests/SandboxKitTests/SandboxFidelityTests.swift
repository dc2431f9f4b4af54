import Foundation
import NCPKit
import ReportKit
import Testing
@testable import SandboxKit

/// The sandbox answers as NCP does where the v2 system (and so our golden test) relies on it:
/// key spelling, attachment states, filters, cross-references and regions.
struct SandboxFidelityTests {
    /// One signed GET straight into the sandbox; the response's list.
    func list(_ sandbox: NCPSandbox, _ scenario: Scenario, _ path: String, _ query: String) throws -> [JSONValue] {
        let response = sandbox.handle(signed(scenario, "GET", path, query + "&responseFormatType=json"))
        #expect(response.status == 200, "\(path)?\(query): \(String(decoding: response.body, as: UTF8.self))")
        let json = try JSONParser.parse(response.body)
        let envelope = try #require(json.objectValue?.pairs.first?.value)
        return envelope.objectValue?.pairs.first { $0.value.arrayValue != nil }?.value.arrayValue ?? []
    }

    /// Every key in a value, recursively.
    func keys(_ value: JSONValue) -> [String] {
        switch value {
        case .object(let object): return object.pairs.flatMap { [$0.key] + keys($0.value) }
        case .array(let array): return array.flatMap(keys)
        default: return []
        }
    }

    static let gib: Int64 = 1 << 30

    // MARK: 1. Cloud DB keys

    @Test(arguments: [("mysql", "cloudMysql"), ("postgresql", "cloudPostgresql"), ("mssql", "cloudMssql"),
                      ("redis", "cloudRedis"), ("mongodb", "cloudMongoDb")])
    func vpcCloudDBKeysAreTheAPIsLowerCamelCase(_ resource: String, _ prefix: String) async throws {
        let scenario = Scenario.single(fleet: ["vpc/\(resource)": 3])
        let items = try await fetchAll(scenario, resource: resource, platform: .vpc).items
        #expect(items.count == 3)
        for item in items {
            for key in keys(item) where !key.hasPrefix("_") {
                #expect(key.range(of: "^[a-z][A-Za-z0-9]*$", options: .regularExpression) != nil, "\(resource): \(key)")
            }
            let nodes = try #require(item["\(prefix)ServerInstanceList"]?.arrayValue, "\(resource) node list")
            #expect(!nodes.isEmpty)
            for node in nodes {
                // What v2 reads from every node.
                #expect(node["\(prefix)ServerName"]?.stringValue?.isEmpty == false)
                #expect(node["\(prefix)ServerRole"]?["codeName"]?.stringValue?.isEmpty == false)
                #expect(node["\(prefix)ServerInstanceStatusName"]?.stringValue == "running")
                #expect(node["memorySize"]?.intValue != nil)
                #expect(node["cpuCount"]?.intValue != nil, "\(resource): cpuCount (documented on every engine's node)")
                #expect(node["regionCode"]?.stringValue == "KR")
            }
        }
    }

    @Test func classicCloudDBNodesCarryWhatV2Reads() async throws {
        let scenario = Scenario.single(fleet: ["classic/cloud-db": 6])
        let items = try await fetchAll(scenario, resource: "cloud-db", platform: .classic).items
        #expect(Set(items.compactMap { $0["dbKindCode"]?.stringValue }) == ["MYSQL", "MSSQL", "REDIS"])
        for item in items {
            #expect(item["cloudDBServiceName"]?.stringValue?.isEmpty == false)
            #expect(item["zone"]?["zoneCode"]?.stringValue?.hasPrefix("KR-") == true)
            #expect(item["cpuCount"]?.intValue != nil && item["memorySize"]?.intValue != nil)
            let nodes = try #require(item["cloudDBServerInstanceList"]?.arrayValue)
            for node in nodes {
                #expect(node["cloudDBServerName"]?.stringValue?.isEmpty == false)
                #expect(node["cloudDBServerRole"]?["codeName"]?.stringValue?.isEmpty == false)
                #expect(node["dataStorageSize"]?.intValue != nil)
            }
        }
    }

    // MARK: 2. Block storage attachment

    /// v2's rule (api/blockstorage_list.py): attached → the server's name; 'pvc' in the name →
    /// PVC; otherwise Not Attached.
    func v2BlockServerName(_ volume: JSONValue, servers: [String: String]) -> String {
        if volume["blockStorageInstanceStatusName"]?.stringValue == "attached" {
            return servers[volume["serverInstanceNo"]?.stringValue ?? ""] ?? "?"
        }
        return volume["blockStorageName"]?.stringValue?.contains("pvc") == true ? "PVC" : "Not Attached"
    }

    @Test func vpcVolumesSayWhetherTheyAreAttached() async throws {
        let scenario = Scenario.single(fleet: ["vpc/server": 3, "vpc/block-storage": 4, "vpc/block-storage/detached": 2,
                                               "vpc/block-storage/pvc": 4])
        let servers = try await fetchAll(scenario, resource: "server", platform: .vpc).items
        let names = Dictionary(uniqueKeysWithValues: servers.compactMap { s in
            s["serverInstanceNo"]?.stringValue.flatMap { no in s["serverName"]?.stringValue.map { (no, $0) } }
        })
        let volumes = try await fetchAll(scenario, resource: "block-storage", platform: .vpc).items
        #expect(volumes.count == 10)
        var seen: [String: Int] = [:]
        for volume in volumes {
            let label = v2BlockServerName(volume, servers: names)
            seen[names.values.contains(label) ? "server" : label, default: 0] += 1
            if volume["blockStorageInstanceStatusName"]?.stringValue == "attached" {
                #expect(volume["blockStorageInstanceStatus"]?["code"]?.stringValue == "ATTAC")
                #expect(volume["blockStorageInstanceStatus"]?["codeName"]?.stringValue == "Block storage ATTACHED state")
                #expect(names[volume["serverInstanceNo"]?.stringValue ?? ""] != nil)
                let server = servers.first { $0["serverInstanceNo"] == volume["serverInstanceNo"] }
                #expect(volume["zoneCode"] == server?["zoneCode"], "a volume sits in its server's zone")
            } else {
                #expect(volume["blockStorageInstanceStatusName"]?.stringValue == "detached")
                #expect(volume["blockStorageInstanceStatus"]?["code"]?.stringValue == "CREAT")
                #expect(volume["serverInstanceNo"]?.stringValue == "")
            }
            #expect(["SSD", "HDD"].contains(volume["blockStorageDiskDetailType"]?["code"]?.stringValue ?? ""))
            #expect(volume["zoneCode"]?.stringValue?.hasPrefix("KR-") == true)
        }
        #expect(seen == ["server": 4 + 2, "PVC": 2, "Not Attached": 2])
    }

    @Test func classicVolumesNameTheirServerAndZone() async throws {
        let scenario = Scenario.single(fleet: ["classic/server": 2, "classic/block-storage": 3, "classic/block-storage/detached": 1])
        let servers = try await fetchAll(scenario, resource: "server", platform: .classic).items
        let volumes = try await fetchAll(scenario, resource: "block-storage", platform: .classic).items
        #expect(volumes.count == 4)
        for volume in volumes {
            #expect(["SSD", "HDD"].contains(volume["diskDetailType"]?["code"]?.stringValue ?? ""))
            #expect(volume["zone"]?["zoneName"]?.stringValue?.hasPrefix("KR-") == true)
            #expect(volume["blockStorageSize"]?.intValue.map { $0 >= Int(Self.gib) } == true)
            if volume["blockStorageInstanceStatusName"]?.stringValue == "attached" {
                let server = try #require(servers.first { $0["serverInstanceNo"] == volume["serverInstanceNo"] })
                #expect(volume["serverName"] == server["serverName"])
            } else {
                #expect(volume["serverName"]?.stringValue == "")
            }
        }
        #expect(volumes.filter { $0["blockStorageInstanceStatusName"]?.stringValue == "attached" }.count == 3)
    }

    @Test func qualifiedFleetKeysAreCheckedOnLoad() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scenario-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let customer = #"{"id":"a","accessKey":"K","secretKey":"S","fleet":{"vpc/block-storage/pvc@SGN":2,"classic/block-storage/detached":1}}"#
        try #"{"customers":[\#(customer)]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Scenario.load(path: path).customers[0].fleet.count == 2)
        try #"{"customers":[{"id":"a","accessKey":"K","secretKey":"S","fleet":{"vpc/server/pvc":1}}]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try Scenario.load(path: path) } throws: { ($0 as? Failure)?.line.contains("block-storage/detached") == true }
    }

    @Test func volumesWithoutServersInTheirRegionAreDetached() async throws {
        let scenario = Scenario.single(fleet: ["vpc/server": 0, "vpc/block-storage": 2])
        let volumes = try await fetchAll(scenario, resource: "block-storage", platform: .vpc).items
        #expect(volumes.map { $0["blockStorageInstanceStatusName"]?.stringValue } == ["detached", "detached"])
    }

    // MARK: 3. NAT gateways

    @Test func natGatewaysHaveTheCurrentShape() async throws {
        let scenario = Scenario.single(fleet: ["vpc/nat-gateway": 2])
        let subnets = try await fetchAll(scenario, resource: "subnet", platform: .vpc).items
        for gateway in try await fetchAll(scenario, resource: "nat-gateway", platform: .vpc).items {
            for field in ["natGatewayName", "natGatewayInstanceStatusName", "publicIp", "privateIp", "zoneCode", "subnetNo", "subnetName"] {
                #expect(gateway[field]?.stringValue?.isEmpty == false, "\(field)")
            }
            let subnet = subnets.first { $0["subnetNo"] == gateway["subnetNo"] }
            #expect(subnet?["subnetName"] == gateway["subnetName"])
        }
    }

    // MARK: 4. Filters

    @Test func instanceNumberListsFilterOnBothPlatforms() throws {
        let scenario = Scenario.single(fleet: ["vpc/server": 5, "classic/server": 5, "vpc/mysql": 3, "vpc/block-storage": 4])
        let sandbox = NCPSandbox(scenario: scenario)
        for path in ["/vserver/v2/getServerInstanceList", "/server/v2/getServerInstanceList"] {
            let all = try list(sandbox, scenario, path, "pageNo=1&pageSize=100")
            #expect(all.count == 5)
            let wanted = try #require(all[3]["serverInstanceNo"]?.stringValue)
            let one = try list(sandbox, scenario, path, "serverInstanceNoList.1=\(wanted)")
            #expect(one.map { $0["serverInstanceNo"]?.stringValue } == [wanted])
            let other = try #require(all[1]["serverInstanceNo"]?.stringValue)
            #expect(try list(sandbox, scenario, path, "serverInstanceNoList.1=\(wanted)&serverInstanceNoList.2=\(other)").count == 2)
            #expect(try list(sandbox, scenario, path, "serverInstanceNoList.1=999").isEmpty)
        }
        let response = sandbox.handle(signed(scenario, "GET", "/vserver/v2/getServerInstanceList", "serverInstanceNoList.1=999&responseFormatType=json"))
        #expect(try JSONParser.parse(response.body)["getServerInstanceListResponse"]?["totalRows"]?.intValue == 0)
        // The same mechanism for any documented xxxNoList.N, nested node numbers included.
        let volumes = try list(sandbox, scenario, "/vserver/v2/getBlockStorageInstanceList", "regionCode=KR")
        let volume = try #require(volumes.last?["blockStorageInstanceNo"]?.stringValue)
        #expect(try list(sandbox, scenario, "/vserver/v2/getBlockStorageInstanceList", "blockStorageInstanceNoList.1=\(volume)").count == 1)
        let dbs = try list(sandbox, scenario, "/vmysql/v2/getCloudMysqlInstanceList", "regionCode=KR")
        let node = try #require(dbs[1]["cloudMysqlServerInstanceList"]?.arrayValue?.first?["cloudMysqlServerInstanceNo"]?.stringValue)
        let byNode = try list(sandbox, scenario, "/vmysql/v2/getCloudMysqlInstanceList", "cloudMysqlServerInstanceNoList.1=\(node)")
        #expect(byNode.map { $0["cloudMysqlInstanceNo"] } == [dbs[1]["cloudMysqlInstanceNo"]])
    }

    @Test func productCodeAndVpcNoSelectOneEntry() throws {
        let scenario = Scenario.single(fleet: ["vpc/vpc": 3])
        let sandbox = NCPSandbox(scenario: scenario)
        for path in ["/billing/v1/product/getProductList", "/vserver/v2/getServerImageProductList", "/server/v2/getServerImageProductList"] {
            let all = try list(sandbox, scenario, path, "regionCode=KR")
            #expect(all.count > 1, "\(path)")
            let code = try #require(all[1]["productCode"]?.stringValue)
            let one = try list(sandbox, scenario, path, "productCode=\(code)")
            #expect(one.map { $0["productCode"]?.stringValue } == [code], "\(path)")
        }
        // As v2 asks: billing names the product's region with COM, KR, SGN…
        let code = try #require(try list(sandbox, scenario, "/billing/v1/product/getProductList", "regionCode=KR").first?["productCode"]?.stringValue)
        #expect(try list(sandbox, scenario, "/billing/v1/product/getProductList", "regionCode=COM&productCode=\(code)").count == 1)
        let vpcs = try list(sandbox, scenario, "/vpc/v2/getVpcList", "regionCode=KR")
        #expect(vpcs.count == 3)
        let vpcNo = try #require(vpcs[2]["vpcNo"]?.stringValue)
        #expect(try list(sandbox, scenario, "/vpc/v2/getVpcList", "vpcNo=\(vpcNo)&regionCode=KR").map { $0["vpcNo"]?.stringValue } == [vpcNo])
        #expect(try list(sandbox, scenario, "/vpc/v2/getVpcList", "vpcNoList.1=\(vpcNo)").count == 1)
    }

    @Test func nasRatingsAreForTheVolumeAsked() throws {
        let scenario = Scenario.single(fleet: ["vpc/nas-volume": 3])
        let sandbox = NCPSandbox(scenario: scenario)
        let volumes = try list(sandbox, scenario, "/vnas/v2/getNasVolumeInstanceList", "regionCode=KR")
        let window = "startTime=2026-10-01T00%3A00%3A00%2B0000&endTime=2026-10-04T00%3A00%3A00%2B0000&interval=1d"
        for volume in volumes {
            let no = try #require(volume["nasVolumeInstanceNo"]?.stringValue)
            let rows = try list(sandbox, scenario, "/vnas/v2/getNasVolumeInstanceRatingList", "nasVolumeInstanceNo=\(no)&\(window)")
            #expect(rows.count == 3)
            for row in rows {
                #expect(row["volumeSize"] == volume["volumeSize"])
                #expect((row["maxVolumeUseSize"]?.intValue ?? .max) <= (volume["volumeSize"]?.intValue ?? 0))
            }
        }
        #expect(try list(sandbox, scenario, "/vnas/v2/getNasVolumeInstanceRatingList", "nasVolumeInstanceNo=42&\(window)").isEmpty)
    }

    // MARK: 5. Cross-references and sizes

    @Test func referencesNameRealEntries() async throws {
        let scenario = Scenario.single(fleet: [
            "vpc/server": 7, "classic/server": 5, "vpc/member-server-image": 4, "classic/member-server-image": 3,
            "vpc/nas-volume": 3, "classic/nas-volume": 3, "vpc/vpc": 2, "vpc/mysql": 2, "vpc/redis": 2, "vpc/mongodb": 2,
            "vpc/mssql": 2, "vpc/postgresql": 2,
        ])
        func ids(_ resource: String, _ platform: Platform, _ field: String) async throws -> Set<String> {
            Set(try await fetchAll(scenario, resource: resource, platform: platform).items.compactMap { $0[field]?.stringValue })
        }
        let billing = try await ids("product", .vpc, "productCode")
        let vpcImages = try await ids("server-image-product", .vpc, "productCode")
        for platform in Platform.allCases {
            let servers = try await fetchAll(scenario, resource: "server", platform: platform).items
            let serverNos = Set(servers.compactMap { $0["serverInstanceNo"]?.stringValue })
            let serverNames = Set(servers.compactMap { $0["serverName"]?.stringValue })
            for server in servers {
                #expect(billing.contains(server["serverProductCode"]?.stringValue ?? "-"))
                if platform == .vpc { #expect(vpcImages.contains(server["serverImageProductCode"]?.stringValue ?? "-")) }
            }
            for image in try await fetchAll(scenario, resource: "member-server-image", platform: platform).items {
                #expect(serverNos.contains(image["originalServerInstanceNo"]?.stringValue ?? "-"))
                if platform == .classic { #expect(serverNames.contains(image["originalServerName"]?.stringValue ?? "-")) }
                #expect(image["memberServerImageBlockStorageTotalSize"]?.intValue.map { $0 > 0 } == true)
            }
            for volume in try await fetchAll(scenario, resource: "nas-volume", platform: platform).items {
                if platform == .vpc {
                    let attached = volume["nasVolumeServerInstanceNoList"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    #expect(!attached.isEmpty && attached.allSatisfy(serverNos.contains))
                } else {
                    let attached = volume["nasVolumeServerInstanceList"]?.arrayValue ?? []
                    #expect(!attached.isEmpty)
                    for server in attached {
                        #expect(serverNos.contains(server["serverInstanceNo"]?.stringValue ?? "-"))
                        #expect(serverNames.contains(server["serverName"]?.stringValue ?? "-"))
                    }
                }
            }
        }
        let vpcs = try await ids("vpc", .vpc, "vpcNo")
        for (resource, prefix) in [("mysql", "cloudMysql"), ("postgresql", "cloudPostgresql"), ("mssql", "cloudMssql"),
                                   ("redis", "cloudRedis"), ("mongodb", "cloudMongoDb")] {
            for db in try await fetchAll(scenario, resource: resource, platform: .vpc).items {
                for node in db["\(prefix)ServerInstanceList"]?.arrayValue ?? [] {
                    #expect(vpcs.contains(node["vpcNo"]?.stringValue ?? "-"), "\(resource)")
                }
            }
        }
    }

    @Test func sizesAreWholeBytesMostlyWholeGiB() async throws {
        let scenario = Scenario.single(fleet: [
            "vpc/server": 10, "vpc/block-storage": 10, "vpc/nas-volume": 10, "vpc/mysql": 10, "vpc/member-server-image": 10,
        ])
        let sized = ["memorySize", "dataStorageSize", "blockStorageSize", "volumeTotalSize", "volumeSize",
                     "memberServerImageBlockStorageTotalSize"]
        var values: [Int64] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .object(let object):
                for (key, inner) in object.pairs {
                    if sized.contains(key) {
                        guard case .number(let literal) = inner, let bytes = Int64(literal) else {
                            Issue.record("\(key) is not a whole number: \(inner)")
                            continue
                        }
                        values.append(bytes)
                    }
                    collect(inner)
                }
            case .array(let array): array.forEach(collect)
            default: break
            }
        }
        for resource in ["server", "block-storage", "nas-volume", "mysql", "member-server-image"] {
            try await fetchAll(scenario, resource: resource, platform: .vpc).items.forEach(collect)
        }
        #expect(values.count > 50)
        #expect(values.allSatisfy { $0 >= Self.gib })
        let whole = values.filter { $0 % Self.gib == 0 }.count
        #expect(whole > values.count / 2, "mostly whole GiB")
        #expect(whole < values.count, "some not, so integer division to GB is exercised")
    }

    // MARK: 6. Regions

    @Test func resourcesLiveInTheirRegionsOnly() async throws {
        let scenario = Scenario.single(fleet: [
            "vpc/server": 3, "vpc/server@SGN": 2, "vpc/mssql": 0, "vpc/mssql@SGN": 2, "classic/server@SGN": 2, "vpc/block-storage@JPN": 1,
        ])
        let sandbox = NCPSandbox(scenario: scenario)
        let regions = try list(sandbox, scenario, "/vserver/v2/getRegionList", "")
        #expect(regions.compactMap { $0["regionCode"]?.stringValue } == ["KR", "SGN", "JPN"])
        let classicRegions = try list(sandbox, scenario, "/server/v2/getRegionList", "")
        #expect(classicRegions.contains { $0["regionCode"]?.stringValue == "SGN" && $0["regionNo"]?.stringValue == "7" })

        let kr = try await fetchAll(scenario, resource: "server", platform: .vpc, region: "KR").items
        let sgn = try await fetchAll(scenario, resource: "server", platform: .vpc, region: "SGN").items
        #expect(kr.count == 3 && sgn.count == 2)
        #expect(kr.allSatisfy { $0["regionCode"]?.stringValue == "KR" && $0["zoneCode"]?.stringValue?.hasPrefix("KR-") == true })
        #expect(sgn.allSatisfy { $0["regionCode"]?.stringValue == "SGN" && $0["zoneCode"]?.stringValue?.hasPrefix("SGN-") == true })
        let krNumbers = Set(kr.compactMap { $0["serverInstanceNo"]?.stringValue })
        let sgnNumbers = Set(sgn.compactMap { $0["serverInstanceNo"]?.stringValue })
        #expect(krNumbers.isDisjoint(with: sgnNumbers))
        #expect(try await fetchAll(scenario, resource: "server", platform: .vpc, region: "JPN").items.isEmpty)
        #expect(try await fetchAll(scenario, resource: "mssql", platform: .vpc, region: "KR").items.isEmpty)

        // MSSQL in SGN, as v2 reads it: its nodes' vpcNo names a VPC of SGN (getVpcList?vpcNo=…&regionCode=SGN).
        let mssql = try list(sandbox, scenario, "/vmssql/v2/getCloudMssqlInstanceList", "regionCode=SGN")
        #expect(mssql.count == 2)
        for db in mssql {
            for node in db["cloudMssqlServerInstanceList"]?.arrayValue ?? [] {
                #expect(node["regionCode"]?.stringValue == "SGN")
                let vpcNo = try #require(node["vpcNo"]?.stringValue)
                let vpc = try list(sandbox, scenario, "/vpc/v2/getVpcList", "vpcNo=\(vpcNo)&regionCode=SGN")
                #expect(vpc.count == 1 && vpc.first?["regionCode"]?.stringValue == "SGN")
            }
        }
        // Servers in SGN still name real images and specs.
        let images = Set(try list(sandbox, scenario, "/vserver/v2/getServerImageProductList", "regionCode=SGN").compactMap { $0["productCode"]?.stringValue })
        #expect(sgn.allSatisfy { images.contains($0["serverImageProductCode"]?.stringValue ?? "-") })

        // Classic: regionNo selects, and items carry region/zone objects of that region.
        let classic = try list(sandbox, scenario, "/server/v2/getServerInstanceList", "regionNo=7")
        #expect(classic.count == 2)
        #expect(classic.allSatisfy { $0["region"]?["regionCode"]?.stringValue == "SGN" && $0["region"]?["regionNo"]?.stringValue == "7" })
        #expect(classic.allSatisfy { $0["zone"]?["zoneName"]?.stringValue?.hasPrefix("SGN-") == true })
        #expect(try list(sandbox, scenario, "/server/v2/getServerInstanceList", "regionNo=1").count == 5)

        // A volume alone in JPN has no server there to be attached to.
        let jpn = try list(sandbox, scenario, "/vserver/v2/getBlockStorageInstanceList", "regionCode=JPN")
        #expect(jpn.map { $0["blockStorageInstanceStatusName"]?.stringValue } == ["detached"])
    }
}
