import Foundation
import Testing
@testable import NCPKit
import ReportKit

/// Credentials, sites, regions and the resource catalog.
struct NCPPolicyTests {
    @Test func credentialsComeFromTheEnvironmentThenTheConfigureFile() throws {
        let env = NCPCredentials.self
        let fromEnv = try env.resolve(environment: ["NCLOUD_ACCESS_KEY": "AK", "NCLOUD_SECRET_KEY": "SK12345"])
        #expect(fromEnv.accessKey == "AK" && fromEnv.source == "environment")
        #expect { try env.resolve(environment: ["HOME": "/nonexistent"]) } throws: {
            ($0 as? Failure)?.exitStatus == .config && ($0 as? Failure)!.message.contains("NCLOUD_ACCESS_KEY")
        }
        #expect { try env.resolve(environment: ["NCLOUD_ACCESS_KEY": "AK", "HOME": "/nonexistent"]) } throws: {
            ($0 as? Failure)!.message.contains("NCLOUD_SECRET_KEY")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("configure-\(UUID())").path
        try "ncloud_access_key_id = FILEAK\nncloud_secret_access_key = FILESK123\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try env.resolve(environment: [:], configureFile: path)
        #expect(fromFile.accessKey == "FILEAK" && fromFile.secretKey == "FILESK123")
    }

    @Test func environmentFallbackSaysWhereAValueCameFrom() throws {
        let env = EnvironmentFallback(["NCLOUD_SITE": "gov"])
        #expect(env.resolve(nil, flag: "--site", env: ["NCLOUD_SITE"])?.source == "$NCLOUD_SITE")
        #expect(env.resolve("fin", flag: "--site", env: ["NCLOUD_SITE"])?.source == "--site")
        #expect(env.resolve(nil, flag: "--x", env: ["UNSET"], default: "d")?.source == "default")
        #expect { try EnvironmentFallback(["NCLOUD_SITE": "mars"]).resolve(nil, flag: "--site", env: ["NCLOUD_SITE"], default: Site.public, { Site(rawValue: $0) }, expected: "public, gov or fin") } throws: {
            ($0 as? Failure)?.exitStatus == .usage && ($0 as? Failure)!.message.contains("$NCLOUD_SITE")
        }
    }

    @Test func regionsAndNKSPaths() {
        #expect(RegionDirectory.classicNumbers["KR"] == "1" && RegionDirectory.classicNumbers["DEN"] == "10")
        #expect(InventoryFetcher.nksPath("/vnks/v2/clusters", region: "KR") == "/vnks/v2/clusters")
        #expect(InventoryFetcher.nksPath("/vnks/v2/clusters", region: "SGN") == "/vnks/sgn-v2/clusters")
        #expect(InventoryFetcher.nksPath("/vnks/v2/clusters", region: "krs") == "/vnks/krs-v2/clusters")
    }

    @Test func catalogCoversTheIssueList() {
        let required = ["server", "server-image-product", "member-server-image", "block-storage", "block-storage-snapshot",
                        "public-ip", "load-balancer", "target-group", "nas-volume", "vpc", "subnet", "nat-gateway", "acg",
                        "network-interface", "mysql", "postgresql", "mssql", "redis", "mongodb", "cloud-db",
                        "auto-scaling-group", "nks-cluster", "cdn-plus", "global-cdn", "resource", "region", "zone",
                        "server-product", "product", "cost"]
        #expect(Set(required).isSubset(of: Set(ResourceCatalog.names)))
        #expect(ResourceCatalog.named("cloud-db")?.spec(for: .classic)?.fanOut?.values == ["MYSQL", "MSSQL", "REDIS"])
        #expect(ResourceCatalog.named("server")?.spec(for: .vpc)?.responseKey == "getServerInstanceListResponse")
        #expect(ResourceCatalog.named("mysql")?.spec(for: .vpc)?.paging.assumedBase == 0)
    }
}
