import Foundation
import ReportKit
import RunKit
import Testing

/// Plans and exclusions are data: validated on load, resolved per customer with globs.
struct PlanTests {
    static func config(_ text: String) throws -> ReportConfig {
        try ReportConfig.parse(try JSONParser.parse(Array(text.utf8)), path: "report.json")
    }

    static let base = #"""
        {"plans": {"monthly": {"resources": ["*/server", "*/block-storage", "vpc/*sql", "classic/cloud-db"], "metrics": ["server", "mysql"], "nasUsage": true}},
         "customers": {"bravo": {"platforms": ["vpc"], "exclude": ["vpc/postgresql", "*/nas-usage"]},
                       "delta": {"include": ["*/server", "vpc/server-metrics"]},
                       "echo": {"exclude": ["classic/*"]}}}
        """#

    func items(_ customer: String) throws -> [String] {
        let config = try Self.config(Self.base)
        let plan = try #require(config.plans["monthly"])
        return PlanResolver.steps(plan: plan, rules: config.rules(customer: customer, plan: plan.name)).map(\.item)
    }

    @Test func everythingForACustomerWithoutRules() throws {
        #expect(try items("alpha") == [
            "vpc/server", "classic/server", "vpc/block-storage", "classic/block-storage", "vpc/mysql", "vpc/postgresql", "vpc/mssql",
            "classic/cloud-db", "vpc/server-metrics", "classic/server-metrics", "vpc/mysql-metrics", "vpc/nas-usage", "classic/nas-usage",
        ])
    }

    @Test func platformsAndExclusionsNarrowThePlan() throws {
        #expect(try items("bravo") == ["vpc/server", "vpc/block-storage", "vpc/mysql", "vpc/mssql", "vpc/server-metrics", "vpc/mysql-metrics"])
        #expect(try items("echo").allSatisfy { $0.hasPrefix("vpc/") })
        #expect(try items("delta") == ["vpc/server", "classic/server", "vpc/server-metrics"])
    }

    @Test func rulesApplyOnlyToThePlansTheyName() throws {
        let config = try Self.config(#"""
            {"plans": {"monthly": {"resources": ["*/server", "vpc/mysql"]}, "cycle-20th": {"resources": ["*/server", "vpc/mysql"]}},
             "customers": {"delta": [{"exclude": ["classic/*"]}, {"plans": ["cycle-20th"], "include": ["vpc/mysql"]}],
                           "golf": {"plans": ["cycle-20th"], "include": ["vpc/server"]}}}
            """#)
        func items(_ customer: String, _ plan: String) throws -> [String] {
            PlanResolver.steps(plan: try #require(config.plans[plan]), rules: config.rules(customer: customer, plan: plan)).map(\.item)
        }
        // The 20th report's list narrows the 20th report, never the monthly one.
        #expect(try items("delta", "monthly") == ["vpc/server", "vpc/mysql"])
        #expect(try items("delta", "cycle-20th") == ["vpc/mysql"])
        #expect(try items("golf", "monthly") == ["vpc/server", "classic/server", "vpc/mysql"])
        #expect(try items("golf", "cycle-20th") == ["vpc/server"])
        #expect { try Self.config(#"{"plans": {"m": {"resources": ["vpc/server"]}}, "customers": {"x": {"plans": ["weekly"]}}}"#) } throws: {
            ($0 as? Failure)?.location == "report.json: customers.x.plans[0]"
        }
    }

    @Test func tablesAndFilesAreNamedByPlatformAndResource() throws {
        let config = try Self.config(Self.base)
        let plan = try #require(config.plans["monthly"])
        let step = try #require(PlanResolver.steps(plan: plan, rules: nil).first { $0.resource == "block-storage" })
        #expect(step.name == "vpc-block-storage" && step.table == "vpc_block_storage")
    }

    @Test(arguments: [
        (#"{"plans": {"m": {"resources": ["vpc/serverr"]}}}"#, "report.json: plans.m.resources[0]"),
        (#"{"plans": {"m": {"resources": ["server"]}}}"#, "report.json: plans.m.resources[0]"),
        (#"{"plans": {"m": {"resources": ["vpc/server"], "metrics": ["disk"]}}}"#, "report.json: plans.m.metrics[0]"),
        (#"{"plans": {"m": {"resources": ["vpc/server"], "interval": "Day2"}}}"#, "report.json: plans.m.interval"),
        (#"{"plans": {"m": {"resource": ["vpc/server"]}}}"#, "report.json: plans.m.resource"),
        (#"{"plans": {"m": {"resources": ["vpc/server"]}}, "customers": {"x": {"exclude": "classic/*"}}}"#, "report.json: customers.x.exclude"),
        (#"{"plans": {"m": {"resources": ["vpc/server"]}}, "customers": {"x": {"platforms": ["gov"]}}}"#, "report.json: customers.x.platforms[0]"),
        (#"{"plans": {}}"#, "report.json: plans"),
        (#"{"plans": {"m": {}}}"#, "report.json: plans.m"),
    ])
    func malformedConfigurationNamesTheKey(text: String, location: String) throws {
        do {
            _ = try Self.config(text)
            Issue.record("accepted: \(text)")
        } catch let failure as Failure {
            #expect(failure.exitStatus == .config)
            #expect(failure.location == location)
        }
    }

    @Test func theShippedConfigurationIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/report.json").standardized.path
        let config = try ReportConfig.load(path: path)
        #expect(Set(config.plans.keys) == ["monthly", "weekly", "cycle-20th"])
        #expect(config.plans["weekly"]?.interval == "Hour2")
    }
}

/// The runner's pipelines: a | b | c without a shell, statuses per stage, EOF reaching readers.
struct ProcessPipelineTests {
    @Test func stagesAreConnectedAndStatusesReported() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pipeline = ProcessPipeline(stages: [
            .init("/bin/sh", ["-c", "printf 'b\\na\\n'; echo oops >&2; exit 3"], stderr: "\(dir)/1.log"),
            .init("/usr/bin/sort", [], stderr: "\(dir)/2.log"),
            .init("/bin/sh", ["-c", "cat; echo \"$SECRET_FROM_ENV\""], stderr: "\(dir)/3.log"),
        ], stdout: "\(dir)/out", environment: ["SECRET_FROM_ENV": "via-env", "PATH": "/usr/bin:/bin"])
        // Many at once: no pipe end may leak into another pipeline's children.
        let results = try await withThrowingTaskGroup(of: [Int32].self) { group in
            for _ in 0..<8 { group.addTask { try await pipeline.run() } }
            var all: [[Int32]] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.allSatisfy { $0 == [3, 0, 0] })
        #expect(try String(contentsOfFile: "\(dir)/out", encoding: .utf8) == "a\nb\nvia-env\n")
        #expect(try String(contentsOfFile: "\(dir)/1.log", encoding: .utf8) == "oops\n")
        let killed = try await ProcessPipeline(stages: [.init("/bin/sh", ["-c", "kill -TERM $$"], stderr: "\(dir)/k.log")], stdout: "\(dir)/k", environment: [:]).run()
        #expect(killed == [128 + SIGTERM])
    }
}
