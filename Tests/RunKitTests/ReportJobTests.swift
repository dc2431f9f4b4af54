import Foundation
import ReportKit
@testable import RunKit
import Testing

/// ncp-report once its options are parsed: the configuration and roster read, customers and
/// shards chosen, the plan printed, the run folder and the children's environments set up,
/// the summary posted. No NCP: customers without keys fail before any fetch is started.
@Suite(.serialized)
struct ReportJobTests {
    static let config = #"""
        {"plans": {"monthly": {"resources": ["vpc/server", "vpc/block-storage"], "interval": "Min5"},
                   "weekly": {"resources": ["vpc/server"]}},
         "customers": {"bravo": {"exclude": ["vpc/block-storage"]}, "ghost": {}}}
        """#
    static let now = "2026-11-03T10:00:00+09:00"

    /// A folder with the configuration, a roster (alpha and charlie with keys, bravo without)
    /// and stand-ins for the tools; removed at the end.
    final class Folder {
        let path: String
        init() throws {
            path = (NSTemporaryDirectory() as NSString).appendingPathComponent("reportjob-\(UUID().uuidString)")
            try FileManager.default.createDirectory(atPath: path + "/bin", withIntermediateDirectories: true)
            try ReportJobTests.config.write(toFile: path + "/report.json", atomically: true, encoding: .utf8)
            try """
                {"customer_id":"charlie","customer_type":"fin","access_key":"CHARLIEACCESS","secret_key":"charlieSecretKey0123"}
                {"customer_id":"alpha","customer_type":"pri","access_key":"ALPHAACCESS","secret_key":"alphaSecretKey0123"}
                {"customer_id":"bravo","customer_type":"gov","access_key":"BRAVOACCESS"}

                """.write(toFile: path + "/roster.ndjson", atomically: true, encoding: .utf8)
            chmod(path + "/roster.ndjson", 0o600)
            for tool in ["ncp-fetch", "ncp-json", "ncp-load"] { try script(tool, "echo \"\(tool) must not run\" >&2; exit 70") }
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func script(_ name: String, _ body: String) throws {
            let file = "\(path)/bin/\(name)"
            try "#!/bin/sh\n\(body)\n".write(toFile: file, atomically: true, encoding: .utf8)
            chmod(file, 0o755)
        }

        func read(_ name: String) -> String { (try? String(contentsOfFile: "\(path)/\(name)", encoding: .utf8)) ?? "" }

        /// An output stream on a file of this folder.
        func stream(_ name: String) -> ReportKit.OutputStream {
            ReportKit.OutputStream(fd: open("\(path)/\(name)", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600))
        }

        func job(_ arguments: [String] = ["--period", "2026-10"], environment: [String: String] = [:], output: String = "stdout") throws -> ReportJob {
            var job = ReportJob(roster: path + "/roster.ndjson", config: path + "/report.json", binDir: path + "/bin",
                                period: try PeriodOptions.parse(arguments + ["--now", ReportJobTests.now]), environment: environment)
            job.out = path + "/out"
            job.output = stream(output)
            return job
        }
    }

    func failure(_ body: () throws -> Void) -> Failure? {
        do { try body(); return nil } catch { return error as? Failure }
    }

    @Test func theRosterAndTheConfigurationMakeTheWork() throws {
        let folder = try Folder()
        let prepared = try #require(try folder.job().prepare())
        #expect(prepared.period.label == "2026-10" && prepared.language == .en && prepared.view == nil)
        #expect(prepared.work.map(\.0.customerID) == ["charlie", "alpha", "bravo"])  // roster order
        #expect(prepared.work.map { $0.1.map(\.item) } == [["vpc/server", "vpc/block-storage"], ["vpc/server", "vpc/block-storage"], ["vpc/server"]])
        var chosen = try folder.job()
        chosen.customers = ["bravo", "alpha"]
        #expect(try chosen.prepare()?.work.map(\.0.customerID) == ["alpha", "bravo"])
    }

    @Test func shardsTakeTheirShareAndAnEmptyShardIsNothingToDo() throws {
        let folder = try Folder()
        var job = try folder.job()
        job.shard = "1/2"
        #expect(try job.prepare()?.work.map(\.0.customerID) == ["bravo"])  // alpha, bravo, charlie: every 2nd from the 1st
        job.customers = ["alpha"]
        #expect(try job.prepare() == nil)
        job.shard = "2/2"
        #expect(failure { _ = try job.prepare() }?.line == "--shard must be I/N with 0 <= I < N, e.g. 0/3")
    }

    @Test func badOptionsAndInputsKeepTheirStatuses() throws {
        let folder = try Folder()
        var job = try folder.job()
        job.customers = ["zulu"]
        let unknown = failure { _ = try job.prepare() }
        #expect(unknown?.exitStatus == .noInput && unknown?.line == "customer 'zulu' is not in the roster (\(folder.path)/roster.ndjson)")
        job = try folder.job()
        job.plan = "yearly"
        let plan = failure { _ = try job.prepare() }
        #expect(plan?.exitStatus == .config && plan?.line == "no plan 'yearly' (plans: monthly, weekly) (\(folder.path)/report.json: plans)")
        job = try folder.job()
        job.interval = "Min2"
        #expect(failure { _ = try job.prepare() }?.line == "--interval must be one of Min1, Min5, Min30, Hour2, Day1")
        job = try folder.job()
        job.perCustomer = 0
        #expect(failure { _ = try job.prepare() }?.line == "--jobs, --per-customer and --in-flight must be at least 1")
        job = try folder.job()
        try "# nobody\n".write(toFile: folder.path + "/empty.ndjson", atomically: true, encoding: .utf8)
        job.roster = folder.path + "/empty.ndjson"
        let empty = failure { _ = try job.prepare() }
        #expect(empty?.exitStatus == .noInput && empty?.line == "the roster has no customers (\(folder.path)/empty.ndjson)")
        job.roster = "-"
        #expect(job.rosterSource == "stdin")
    }

    @Test func theLanguageComesFromTheFlagThenReportLang() throws {
        let folder = try Folder()
        #expect(try folder.job(environment: ["REPORT_LANG": "KO"]).prepare()?.language == .ko)
        var flagged = try folder.job(environment: ["REPORT_LANG": "ko"])
        flagged.language = .en
        #expect(try flagged.prepare()?.language == .en)
        let wrong = failure { _ = try folder.job(environment: ["REPORT_LANG": "fr"]).prepare() }
        #expect(wrong?.exitStatus == .usage && wrong?.line == "--lang must be en or ko, got 'fr'")
        #expect(ReportJob.Layout.allValueStrings == ["standard", "v2"] && ReportJob.Units.allValueStrings == ["raw", "v2"])
        #expect(ReportJob.Layout(argument: "V2") == nil && ReportJob.Units(argument: "v2") == .v2)
    }

    @Test func theDryRunPrintsEachCustomersPlanAndUnderV2ItsTablesAndLookups() async throws {
        let folder = try Folder()
        var job = try folder.job(output: "plan.ndjson")
        job.dryRun = true
        job.layout = .v2
        job.customers = ["alpha"]
        #expect(try await job.run() == 0)
        let line = try JSONParser.parse(Array(folder.read("plan.ndjson").utf8))
        #expect(line["customer"]?.stringValue == "alpha" && line["site"]?.stringValue == "public" && line["plan"]?.stringValue == "monthly")
        #expect(line["period"]?["label"]?.stringValue == "2026-10")
        let server = try #require(line["steps"]?.arrayValue?.first)
        #expect(server["tables"]?.arrayValue?.compactMap(\.stringValue) == ["pri_VPC_server_list"])
        #expect(server["files"]?.arrayValue?.compactMap(\.stringValue) == ["pri_VPC_server_list.json"])
        let lookups = (line["lookups"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(!lookups.isEmpty && !lookups.contains("vpc/server"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))  // nothing set up, nothing called

        let standard = ReportJob.planLines(try #require(try folder.job().prepare()).work, plan: "monthly",
                                           period: try #require(try folder.job().prepare()).period, view: nil)
        #expect(standard.count == 3 && standard[0]["steps"]?.arrayValue?.first?["tables"] == nil)
        #expect(standard[0]["lookups"]?.arrayValue?.isEmpty == true)
    }

    @Test func theRunFolderIsNamedByPeriodPlanAndTimeAndIsPrivate() throws {
        let folder = try Folder()
        let job = try folder.job()
        let period = try #require(try job.prepare()).period
        let now = try #require(ISO8601DateFormatter().date(from: "2026-11-03T01:02:03Z"))
        #expect(ReportJob.runFolder(out: "out", period: period, plan: "monthly", now: now) == "out/runs/2026-10-monthly-2026-11-03T100203+0900")
        let (runDirectory, bin) = try job.setUpRun(period: period, outDirectory: folder.path + "/out", now: now)
        #expect(runDirectory == folder.path + "/out/runs/2026-10-monthly-2026-11-03T100203+0900" && bin == folder.path + "/bin")
        let mode = try FileManager.default.attributesOfItem(atPath: runDirectory)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        try FileManager.default.removeItem(atPath: folder.path + "/bin/ncp-load")
        let missing = failure { _ = try job.setUpRun(period: period, outDirectory: folder.path + "/out") }
        #expect(missing?.exitStatus == .config && missing?.line == "ncp-load not found in --bin-dir (\(folder.path)/bin)")
    }

    @Test func childrenGetThePinnedPeriodAndNoSecrets() throws {
        let folder = try Folder()
        let environment = ["PATH": "/usr/bin:/bin", "NCLOUD_SECRET_KEY": "runnerSecret", "DATABASE_PWD": "dbPassword", "TEAMS_WEBHOOK_URL": "https://x",
                           "REPORT_TIMEOUT": "30", "AZURE_CLIENT_SECRET": "azureSecret"]
        var job = try folder.job(["--tz", "UTC", "--month-start-day", "20"], environment: environment)
        job.logFormat = "json"
        let prepared = try #require(try job.prepare())
        let child = job.childEnvironment(resolver: prepared.resolver)
        #expect(child == ["PATH": "/usr/bin:/bin", "REPORT_TIMEOUT": "30", "REPORT_PERIOD": "last-month", "REPORT_NOW": "2026-11-03T01:00:00+00:00",
                          "REPORT_TZ": "UTC", "REPORT_MONTH_START_DAY": "20", "REPORT_LOG_FORMAT": "json"])
        let given = try folder.job(environment: ["REPORT_PERIOD": "this-month"])
        #expect(given.childEnvironment(resolver: try #require(try given.prepare()).resolver)["REPORT_PERIOD"] == "2026-10")
        let inherited = try folder.job([], environment: ["REPORT_PERIOD": "this-month"])
        #expect(inherited.childEnvironment(resolver: try #require(try inherited.prepare()).resolver)["REPORT_PERIOD"] == "this-month")
    }

    @Test func settingsFollowTheOptions() throws {
        let folder = try Folder()
        var job = try folder.job(environment: ["REPORT_STEP_TIMEOUT": "0", "DATABASE_PWD": "x"])
        var settings = try job.settings(try #require(try job.prepare()), bin: "bin", outDirectory: "out", runDirectory: "run", childEnvironment: [:])
        #expect(settings.interval == "Min5" && settings.units == nil && settings.region == nil && settings.stepTimeout == nil)
        #expect(settings.stepConcurrency == 2 && settings.singleWriter && settings.loadArguments.isEmpty)
        #expect(settings.databaseEnvironment == ["DATABASE_PWD": "x"])

        job = try folder.job(environment: ["DATABASE_SERVER": "db.example"])
        job.layout = .v2
        job.region = "kr"
        job.interval = "Hour2"
        job.inFlight = 7
        job.perCustomer = 3
        settings = try job.settings(try #require(try job.prepare()), bin: "bin", outDirectory: "out", runDirectory: "run", childEnvironment: [:])
        #expect(settings.units == "v2" && settings.view?.name == "v2" && settings.region == "KR" && settings.interval == "Hour2")
        #expect(settings.stepTimeout == 3600 && settings.stepConcurrency == 2 && !settings.singleWriter)
        job.units = .raw
        job.region = "ALL"
        job.db = "out/report.sqlite"
        job.stepTimeout = 90
        settings = try job.settings(try #require(try job.prepare()), bin: "bin", outDirectory: "out", runDirectory: "run", childEnvironment: [:])
        #expect(settings.units == "raw" && settings.region == nil && settings.singleWriter && settings.stepTimeout == 90)
        #expect(settings.loadArguments == ["--db", "out/report.sqlite"])
        job.connectionStringFile = "conn"
        settings = try job.settings(try #require(try job.prepare()), bin: "bin", outDirectory: "out", runDirectory: "run", childEnvironment: [:])
        #expect(!settings.singleWriter && settings.loadArguments == ["--db", "out/report.sqlite", "--connection-string-file", "conn"])

        let bad = try folder.job(environment: ["REPORT_STEP_TIMEOUT": "forever"])
        let refused = failure { _ = try bad.settings(try #require(try bad.prepare()), bin: "b", outDirectory: "o", runDirectory: "r", childEnvironment: [:]) }
        #expect(refused?.exitStatus == .usage
            && refused?.line == "invalid value 'forever' for $REPORT_STEP_TIMEOUT: expected a number of seconds up to a year, 0 for none")
    }

    @Test func aRunRecordsEveryStepAndPostsOneSummary() async throws {
        let folder = try Folder()
        try folder.script("teams-notify", """
            printf '%s\\n' "$@" > '\(folder.path)/notify-args'
            cat > '\(folder.path)/notify-stdin'
            env | sort > '\(folder.path)/notify-env'
            """)
        let environment = ["PATH": "/usr/bin:/bin", "TEAMS_WEBHOOK_URL": "https://teams.example/hook", "NCLOUD_SECRET_KEY": "runnerSecret"]
        var job = try folder.job(environment: environment, output: "records.ndjson")
        job.customers = ["bravo"]  // no secret_key: its steps fail without a fetch
        job.language = .ko
        job.runDir = folder.path + "/run"
        #expect(try await job.run() == 78)
        let records = folder.read("records.ndjson")
        #expect(records.split(separator: "\n").count == 1)
        #expect(records.contains(#""customer":"bravo""#) && records.contains(#""status":"failed""#) && records.contains(#""exit":78"#))
        #expect(folder.read("run/outcomes.ndjson") == records)
        #expect(folder.read("notify-stdin") == records)
        #expect(folder.read("notify-args") == "--summary\n--title\nNCP monthly report 2026-10\n--lang\nko\n-q\n")
        let env = folder.read("notify-env")
        #expect(env.contains("TEAMS_WEBHOOK_URL=https://teams.example/hook") && env.contains("REPORT_NOW=2026-11-03T10:00:00+09:00"))
        #expect(!env.contains("runnerSecret"))
    }

    @Test func aFailedPostIsTheRunsStatusWhenEverythingElseWorked() async throws {
        let folder = try Folder()
        try folder.script("teams-notify", "echo 'teams-notify: error: the Teams webhook refused the message (HTTP 401)' >&2; exit 77")
        let job = try folder.job(environment: ["TEAMS_WEBHOOK_URL": "https://teams.example/hook"])
        let period = try #require(try job.prepare()).period
        try FileManager.default.createDirectory(atPath: folder.path + "/run", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: folder.path + "/run/outcomes.ndjson", contents: nil)
        let posted = try await job.postSummary(period: period, language: .en, bin: folder.path + "/bin", runDirectory: folder.path + "/run",
                                               outcomes: folder.path + "/run/outcomes.ndjson", childEnvironment: [:])
        #expect(posted == 77)
        #expect(folder.read("run/teams-notify.log").contains("HTTP 401"))
        // No webhook and no --notify: nothing is started.
        let quiet = try folder.job(environment: [:])
        #expect(try await quiet.postSummary(period: period, language: .en, bin: folder.path + "/bin", runDirectory: folder.path + "/run",
                                            outcomes: folder.path + "/run/outcomes.ndjson", childEnvironment: [:]) == nil)
        var forced = quiet
        forced.notify = true
        forced.webhookFile = folder.path + "/webhook"
        try folder.script("teams-notify", "printf '%s ' \"$@\" > '\(folder.path)/forced-args'")
        #expect(try await forced.postSummary(period: period, language: .en, bin: folder.path + "/bin", runDirectory: folder.path + "/run",
                                             outcomes: folder.path + "/run/outcomes.ndjson", childEnvironment: [:]) == 0)
        #expect(folder.read("forced-args").hasSuffix("-q --webhook-file \(folder.path)/webhook "))
    }
}
