import Foundation
import Testing

/// The built tools' fixed-set options: `--help` lists every value (so do shell completions,
/// from the same list), a value outside the set is exit 64 naming the option, and the
/// spellings and environment fallbacks are the ones the tools always took.
@Suite
struct OptionValuesEndToEndTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let tool: String
        let command: [String]
        let option: String
        let values: [String]

        var testDescription: String { ([tool] + command + [option]).joined(separator: " ") }
    }

    static let platform = ["vpc", "classic"], site = ["public", "gov", "fin"], logFormat = ["human", "json"]

    static let cases: [Case] = [
        Case(tool: "ncp-fetch", command: ["fetch"], option: "--platform", values: platform),
        Case(tool: "ncp-fetch", command: ["fetch"], option: "--site", values: site),
        Case(tool: "ncp-fetch", command: ["fetch"], option: "--log-format", values: logFormat),
        Case(tool: "ncp-fetch", command: ["metrics"], option: "--profile", values: ["server", "mysql"]),
        Case(tool: "ncp-fetch", command: ["metrics"], option: "--aggregation", values: ["AVG", "MAX", "MIN", "SUM", "COUNT"]),
        Case(tool: "ncp-fetch", command: ["metrics"], option: "--interval", values: ["Min1", "Min5", "Min30", "Hour2", "Day1"]),
        Case(tool: "ncp-fetch", command: ["metrics"], option: "--units", values: ["raw", "v2"]),
        Case(tool: "ncp-fetch", command: ["metrics"], option: "--platform", values: platform),
        Case(tool: "ncp-fetch", command: ["nas-usage"], option: "--site", values: site),
        Case(tool: "ncp-fetch", command: ["call"], option: "--platform", values: platform),
        Case(tool: "ncp-fetch", command: ["period"], option: "--log-format", values: logFormat),
        Case(tool: "ncp-json", command: [], option: "--format", values: ["json", "ndjson"]),
        Case(tool: "ncp-json", command: [], option: "--layout", values: ["standard", "v2"]),
        Case(tool: "ncp-json", command: [], option: "--customer-type", values: ["pri", "gov", "fin"]),
        Case(tool: "ncp-json", command: [], option: "--platform", values: platform),
        Case(tool: "ncp-json", command: [], option: "--log-format", values: logFormat),
        Case(tool: "ncp-load", command: [], option: "--report", values: ["none", "json"]),
        Case(tool: "ncp-load", command: [], option: "--via", values: ["auto", "native", "odbc"]),
        Case(tool: "ncp-load", command: [], option: "--log-format", values: logFormat),
        Case(tool: "cloud-sandbox", command: [], option: "--log-format", values: logFormat),
        // --log-format is one option shared by every tool.
        Case(tool: "kv-get", command: [], option: "--log-format", values: logFormat),
        Case(tool: "teams-notify", command: [], option: "--log-format", values: logFormat),
        Case(tool: "ncp-report", command: [], option: "--log-format", values: logFormat),
        Case(tool: "ncp-report", command: [], option: "--interval", values: ["Min1", "Min5", "Min30", "Hour2", "Day1"]),
        Case(tool: "ncp-report", command: [], option: "--units", values: ["raw", "v2"]),
        Case(tool: "ncp-report", command: [], option: "--layout", values: ["standard", "v2"]),
        Case(tool: "kv-get", command: [], option: "--format", values: ["raw", "env", "json"]),
        Case(tool: "teams-notify", command: [], option: "--lang", values: ["en", "ko"]),
    ]

    /// Help text with its line wrapping undone.
    static func flattened(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    @Test(arguments: cases)
    func helpListsTheValuesAndAnythingElseIsAUsageError(_ test: Case) throws {
        let env = ToolRunner.baseEnvironment()
        let help = try ToolRunner.run(test.tool, test.command + ["--help"], environment: env)
        #expect(help.status == 0)
        let text = Self.flattened(help.stdout)
        #expect(text.contains("\(test.option) <"), "\(test.option) missing from the help")
        #expect(text.contains("(values: \(test.values.joined(separator: ", "))"), "\(text)")

        let bad = try ToolRunner.run(test.tool, test.command + [test.option, "bogus-value"], environment: env)
        #expect(bad.status == 64, "\(bad.stderr)")
        #expect(bad.stderr.contains(test.option) && bad.stderr.contains("bogus-value"), "\(bad.stderr)")
        #expect(!bad.stderr.contains("Fatal error"))
    }

    /// Without NCP keys a run that got past its options stops at the keys (78): that is how
    /// these tell an accepted spelling (78) from a refused one (64).
    static func fetch(_ arguments: [String], _ extra: [String: String] = [:]) throws -> ToolRunner.Result {
        try ToolRunner.run("ncp-fetch", arguments, environment: ToolRunner.baseEnvironment().merging(extra) { $1 })
    }

    @Test func platformSiteAggregationAndIntervalTakeAnyCaseAsBefore() throws {
        for arguments in [
            ["server", "--platform", "VPC"], ["server", "--platform", "Classic", "--site", "GOV"],
            ["metrics", "--instance", "1", "--platform", "CLASSIC", "--period", "2026-10"],
            ["metrics", "--instance", "1", "--aggregation", "avg", "--interval", "min30", "--period", "2026-10"],
            ["metrics", "--instance", "1", "--interval", "DAY1", "--period", "2026-10"],
        ] {
            let result = try Self.fetch(arguments)
            #expect(result.status == 78, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("NCLOUD_ACCESS_KEY"), "\(arguments): \(result.stderr)")
        }
        // Exactly as spelled, as before: profiles, units and log formats.
        for arguments in [
            ["metrics", "--instance", "1", "--profile", "MySQL"], ["metrics", "--instance", "1", "--units", "V2"],
            ["server", "--log-format", "JSON"],
        ] {
            let result = try Self.fetch(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
    }

    @Test func theEnvironmentFallsBackAsBeforeAndABadValueNamesTheVariable() throws {
        let accepted = try Self.fetch(["server"], ["NCLOUD_PLATFORM": "CLASSIC", "NCLOUD_SITE": "Fin", "REPORT_LOG_FORMAT": "json"])
        #expect(accepted.status == 78, "\(accepted.stderr)")
        // The error line itself is JSON: REPORT_LOG_FORMAT was read.
        let line = try #require(accepted.stderr.split(separator: "\n").last)
        #expect(line.hasPrefix("{") && line.contains("NCLOUD_ACCESS_KEY"), "\(accepted.stderr)")

        for (name, value, expected) in [
            ("NCLOUD_PLATFORM", "mars", "vpc or classic"), ("NCLOUD_SITE", "moon", "public, gov or fin"),
            ("REPORT_LOG_FORMAT", "xml", "human or json"),
        ] {
            let result = try Self.fetch(["server"], [name: value])
            #expect(result.status == 64, "\(name): \(result.stderr)")
            #expect(result.stderr.contains("invalid value '\(value)' for $\(name): expected \(expected)"), "\(result.stderr)")
        }
        // A flag wins over its variable, even a bad one.
        let flagWins = try Self.fetch(["server", "--platform", "vpc"], ["NCLOUD_PLATFORM": "mars"])
        #expect(flagWins.status == 78, "\(flagWins.stderr)")
    }

    @Test func ncpJSONTakesThePlatformInEitherCaseAndTheRestAsSpelled() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("option-values-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ToolRunner.baseEnvironment()
        for (platform, file) in [("vpc", "pri_VPC_servers.json"), ("CLASSIC", "pri_Classic_servers.json")] {
            let result = try ToolRunner.run("ncp-json", [
                "--out", dir.path, "--customer", "alpha", "--name", "servers", "--layout", "v2", "--customer-type", "pri", "--platform", platform,
            ], environment: env, stdin: "{\"a\":1}\n")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("alpha/\(file)").path))
        }
        for arguments in [["--customer-type", "PRI"], ["--format", "NDJSON"], ["--layout", "V2"]] {
            let result = try ToolRunner.run("ncp-json", ["--out", dir.path, "--customer", "alpha", "--name", "x"] + arguments,
                                            environment: env, stdin: "")
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
        // --layout v2 still writes json only.
        let ndjson = try ToolRunner.run("ncp-json", [
            "--out", dir.path, "--customer", "alpha", "--name", "x", "--layout", "v2", "--format", "ndjson", "--customer-type", "pri", "--platform", "vpc",
        ], environment: env, stdin: "")
        #expect(ndjson.status == 64)
        #expect(ndjson.stderr.contains("--layout v2 writes json only"))
    }

    @Test func ncpLoadReportsJSONOnlyWhenAsked() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("option-values-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ToolRunner.baseEnvironment()
        let db = dir.appendingPathComponent("t.sqlite").path
        let quiet = try ToolRunner.run("ncp-load", ["--table", "t", "--db", db, "-q"], environment: env, stdin: "{\"a\":1}\n")
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stdout.isEmpty)
        let json = try ToolRunner.run("ncp-load", ["--table", "t", "--db", db, "--report", "json", "-q"], environment: env, stdin: "{\"a\":1}\n")
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.hasPrefix("{") && json.stdout.contains("\"rows\":1"), "\(json.stdout)")
    }
}
