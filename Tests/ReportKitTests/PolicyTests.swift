import Foundation
import Testing
@testable import ReportKit

struct PolicyTests {
    @Test(arguments: [
        ("https://ncloud.apigw.ntruss.com/x", true), ("http://127.0.0.1:8080/x", true), ("http://localhost/x", true),
        ("http://127.5.6.7/x", true), ("http://[::1]:80/x", true), ("http://169.254.169.254/metadata", true),
        ("http://ncloud.apigw.ntruss.com/x", false), ("http://10.0.0.1/x", false), ("http://128.0.0.1/x", false),
        ("ftp://127.0.0.1/x", false), ("not a url", false),
    ])
    func plainHTTPOnlyToLoopbackAndIMDS(_ url: String, _ allowed: Bool) {
        if allowed {
            #expect(throws: Never.self) { try URLPolicy.check(url) }
        } else {
            #expect(throws: Failure.self) { try URLPolicy.check(url) }
        }
    }

    @Test func redactsRegisteredSecretsAndPatterns() {
        let redactor = Redactor()
        redactor.register("s3cr3t-value")
        #expect(redactor.redact("key s3cr3t-value here") == "key *** here")
        #expect(redactor.redact("Driver=x;PWD=hunter2;Server=y") == "Driver=x;PWD=***;Server=y")
        #expect(redactor.redact("https://h/x?a=1&sig=abcDEF%3D&b=2") == "https://h/x?a=1&sig=***&b=2")
    }

    @Test func aSecretIsRedactedInEveryFormItIsWritten() {
        let redactor = Redactor()
        redactor.register(#"p}w;d "q\"#)
        // As it is, escaped for a connection string, escaped for JSON.
        for form in [#"p}w;d "q\"#, #"p}}w;d "q\"#, #"{p}}w;d "q\}"#, #"p}w;d \"q\\"#] {
            #expect(!redactor.redact("x \(form) y").contains("w;d"), "\(form)")
        }
        // Secret keys of any driver, braced values with escaped braces, values with spaces.
        #expect(redactor.redact("Driver=x;PWD={Ab}}c d;9};Server=y") == "Driver=x;PWD=***;Server=y")
        #expect(redactor.redact("sslpassword=s1 s2;KeyStoreSecret=k3;ClientSecret={c;4}") == "sslpassword=***;KeyStoreSecret=***;ClientSecret=***")
    }

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
