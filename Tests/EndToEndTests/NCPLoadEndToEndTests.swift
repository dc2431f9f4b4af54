import Foundation
import Testing
import ReportKit

/// The built `ncp-load` into the embedded SQLite default, as an operator runs it.
@Suite(.serialized)
struct NCPLoadEndToEndTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ncp-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    var db: String { dir.appendingPathComponent("report.sqlite").path }

    func sqlite(_ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [db, sql]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func lines(_ count: Int, from start: Int = 1) -> String {
        (start..<(start + count)).map { #"{"serverInstanceNo":"\#($0)","zone":{"code":"KR-1"},"cpu":2}"# }.joined(separator: "\n") + "\n"
    }

    @Test func everyLineIsARowWhateverTheBatchSize() throws {
        // A line without a value used to vanish when nothing else in its batch had one (found by bench/fuzz).
        for (index, size) in ["1", "2", "5000"].enumerated() {
            let result = try ToolRunner.run("ncp-load", ["--db", db, "--table", "sparse\(index)", "--batch-size", size],
                                            environment: ToolRunner.baseEnvironment(), stdin: "{\"id\":\"1\"}\n{}\n{\"id\":null}\n")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try sqlite("select count(*) from sparse\(index)") == "3", "--batch-size \(size)")
        }
    }

    @Test func loadsReportsAndReplacesAPartition() throws {
        for _ in 0..<2 {
            let result = try ToolRunner.run("ncp-load", ["--db", db, "--table", "server", "--partition", "period=2026-10", "--report", "json"],
                                            environment: ToolRunner.baseEnvironment(), stdin: Self.lines(25))
            #expect(result.status == 0, "\(result.stderr)")
            let report = try JSONParser.parse(result.stdout)
            #expect(report["rows"]?.intValue == 25 && report["dialect"]?.stringValue == "sqlite")
            #expect(result.stderr.contains("ncp-load: 25 rows into server"))
        }
        #expect(try sqlite("SELECT count(*), min(zone_code), min(period) FROM server") == "25|KR-1|2026-10")
    }

    @Test func killedMidLoadLeavesThePreviousPartition() throws {
        let first = try ToolRunner.run("ncp-load", ["--db", db, "--table", "server", "--partition", "period=2026-10"],
                                       environment: ToolRunner.baseEnvironment(), stdin: Self.lines(100))
        #expect(first.status == 0)
        let process = Process()
        process.executableURL = try ToolRunner.executable("ncp-load")
        process.arguments = ["--db", db, "--table", "server", "--partition", "period=2026-10", "--batch-size", "1000"]
        let input = Pipe()
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(Self.lines(20_000, from: 1_000).utf8))  // deleted and inserted, uncommitted
        usleep(800_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try sqlite("SELECT count(*), min(CAST(serverInstanceNo AS INTEGER)) FROM server") == "100|1")
    }

    @Test func checkSaysWhichPathTheConnectionTakes() throws {
        func check(_ arguments: [String], _ extra: [String: String] = [:]) throws -> (status: Int32, json: [String: Any]) {
            let result = try ToolRunner.run("ncp-load", ["--db", db, "--check"] + arguments, environment: ToolRunner.baseEnvironment().merging(extra) { $1 })
            let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return (result.status, json ?? ["stderr": result.stderr])
        }
        let native = try check([])
        #expect(native.status == 0 && native.json["path"] as? String == "sqlite" && native.json["library"] as? String == "libsqlite3", "\(native.json)")
        #expect(native.json["dialect"] as? String == "sqlite" && native.json["driver"] as? String == "libsqlite3")
        for forced in [try check(["--via", "odbc"]), try check([], ["REPORT_LOAD_VIA": "odbc"])] {
            #expect(forced.status == 0 && forced.json["path"] as? String == "odbc" && forced.json["library"] as? String == "unixODBC", "\(forced.json)")
            #expect((forced.json["driver"] as? String)?.lowercased().contains("sqlite") == true, "\(forced.json)")
        }
        // The flag wins over the environment; a value neither knows is a usage error.
        #expect(try check(["--via", "native"], ["REPORT_LOAD_VIA": "odbc"]).json["path"] as? String == "sqlite")
        #expect(try check([], ["REPORT_LOAD_VIA": "jdbc"]).status == 64)
        #expect(try check(["--via", "jdbc"]).status == 64)
    }

    @Test func dryRunTouchesNothingAndPasswordsAreRefused() throws {
        let plan = try ToolRunner.run("ncp-load", ["--db", db, "--table", "server", "--dry-run"], environment: ToolRunner.baseEnvironment(),
                                      stdin: Self.lines(3))
        #expect(plan.status == 0)
        #expect(plan.stdout.contains(#"CREATE TABLE "server""#) && plan.stdout.contains(#""zone_code" TEXT"#))
        #expect(!FileManager.default.fileExists(atPath: db))
        let refused = try ToolRunner.run("ncp-load", ["--table", "t", "--connection-string", "Driver={PostgreSQL Unicode};Server=h;PWD=hunter2"],
                                         environment: ToolRunner.baseEnvironment(), stdin: "")
        #expect(refused.status == 64)
        #expect(!refused.stderr.contains("hunter2"))
        #expect(refused.stderr.contains("--connection-string-file"))
        var env = ToolRunner.baseEnvironment()
        env["ODBC_CONNECTION_STRING"] = "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=9;Database=x;Uid=u;PWD=hunter2;"
        let unreachable = try ToolRunner.run("ncp-load", ["--table", "t"], environment: env, stdin: Self.lines(1))
        #expect(unreachable.status == 69)
        #expect(!unreachable.stderr.contains("hunter2"))
        let twice = try ToolRunner.run("ncp-load", ["--db", db, "--table", "t", "--partition", "p=1", "--partition", "p=2"],
                                       environment: ToolRunner.baseEnvironment(), stdin: "")
        #expect(twice.status == 64)
        var missingDriver = ToolRunner.baseEnvironment()
        missingDriver["DATABASE_SERVER"] = "127.0.0.1"
        missingDriver["DATABASE_NAME"] = "ncp"
        missingDriver["ODBC_DRIVER"] = "No Such Driver 99"
        let noDriver = try ToolRunner.run("ncp-load", ["--table", "t"], environment: missingDriver, stdin: Self.lines(1))
        #expect(noDriver.status == 78)
        #expect(!noDriver.stderr.contains("\n\t"))
        let bad = try ToolRunner.run("ncp-load", ["--db", db, "--table", "t"], environment: ToolRunner.baseEnvironment(), stdin: "{\"a\":1}\n{oops}\n")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("line 2:"))
    }

    /// Runs ncp-load, killing it after `seconds` (a hang is then status -9), and times it.
    func runTimed(_ arguments: [String], environment: [String: String], stdin: String, seconds: Double = 30) throws -> (status: Int32, stderr: String, seconds: Double) {
        let process = Process()
        process.executableURL = try ToolRunner.executable("ncp-load")
        process.arguments = arguments
        process.environment = environment
        let input = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        let started = Date()
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let errData = Locked(Data())
        let reader = DispatchGroup()
        reader.enter()
        DispatchQueue.global().async {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            errData.withLock { $0 = data }
            reader.leave()
        }
        var killed = false
        while process.isRunning {
            if Date().timeIntervalSince(started) > seconds {
                kill(process.processIdentifier, SIGKILL)
                killed = true
                break
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        reader.wait()
        return (killed ? -9 : process.terminationStatus, String(decoding: errData.withLock { $0 }, as: UTF8.self), Date().timeIntervalSince(started))
    }

    @Test func aConnectionStringODBCCannotTakeIsRefusedNotTrapped() throws {
        var env = ToolRunner.baseEnvironment()
        let secret = "s3cr3t-" + String(repeating: "x", count: 40_000)
        env["ODBC_CONNECTION_STRING"] = "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=9;Database=x;Uid=u;PWD=\(secret);"
        let result = try runTimed(["--table", "t", "--via", "odbc"], environment: env, stdin: Self.lines(1))
        #expect(result.status == 64, "\(result.stderr.prefix(300))")
        #expect(result.stderr.contains("32767") && !result.stderr.contains("s3cr3t") && result.stderr.count < 400, "\(result.stderr.prefix(300))")
        // libpq takes it, and finds nobody listening: the secret is not in its error either.
        let native = try runTimed(["--table", "t"], environment: env, stdin: Self.lines(1))
        #expect(native.status == 69, "\(native.stderr.prefix(300))")
        #expect(native.stderr.contains("Port=9") == false && !native.stderr.contains("s3cr3t") && native.stderr.count < 400, "\(native.stderr.prefix(300))")
    }

    @Test func theSmallestBigintLoads() throws {
        let result = try runTimed(["--db", db, "--table", "t"], environment: ToolRunner.baseEnvironment(),
                                  stdin: #"{"id":"1","n":-9223372036854775808}"# + "\n" + #"{"id":"2","n":-42}"# + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try sqlite("SELECT n, typeof(n) FROM t ORDER BY id") == "-9223372036854775808|integer\n-42|integer")
    }

    @Test(arguments: ["PostgreSQL Unicode", "MariaDB Unicode"])
    func aDatabaseThatAcceptsTheConnectionButNeverAnswersFailsWithinTheConnectTimeout(_ driver: String) throws {
        // A listener that never accepts: the kernel completes the TCP handshake, nothing ever answers.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        #expect(bound)
        let port = UInt16(bigEndian: address.sin_port)
        var env = ToolRunner.baseEnvironment()
        env["ODBC_CONNECTION_STRING"] = "Driver={\(driver)};Server=127.0.0.1;Port=\(port);Database=x;Uid=u;PWD=hunter2;"
        let result = try runTimed(["--table", "t", "--connect-timeout", "2"], environment: env, stdin: Self.lines(1))
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.seconds < 6, "took \(result.seconds) s")
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix("ncp-load: error: "), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2"))
    }

    @Test func aBatchEntryWithFractionsWidensWhatAnEarlierEntryMadeFromWholeNumbers() throws {
        let whole = dir.appendingPathComponent("alpha.ndjson").path
        let fractions = dir.appendingPathComponent("bravo.ndjson").path
        try (#"{"id":"1","ratio":0}"# + "\n").write(toFile: whole, atomically: true, encoding: .utf8)
        try (#"{"id":"2","ratio":12.5}"# + "\n").write(toFile: fractions, atomically: true, encoding: .utf8)
        let batch = dir.appendingPathComponent("batch.ndjson").path
        try (#"{"input":"\#(whole)","partition":{"customer":"alpha"}}"# + "\n" + #"{"input":"\#(fractions)","partition":{"customer":"bravo"}}"# + "\n")
            .write(toFile: batch, atomically: true, encoding: .utf8)
        let result = try ToolRunner.run("ncp-load", ["--db", db, "--table", "usage", "--partition", "period=2026-10", "--batch", batch],
                                        environment: ToolRunner.baseEnvironment(), stdin: "")
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.lines.count == 2 && result.lines.allSatisfy { $0.contains(#""status":"ok""#) }, "\(result.stdout)")
        #expect(try sqlite("SELECT customer, ratio FROM usage ORDER BY customer") == "alpha|0\nbravo|12.5")
        #expect(!result.stderr.contains("widened"), "\(result.stderr)")  // SQLite's INTEGER column takes 12.5 as it is: nothing altered
    }

    @Test func theTimeoutsAreDocumentedAndChecked() throws {
        let help = try ToolRunner.run("ncp-load", ["--help"], environment: ToolRunner.baseEnvironment())
        for flag in ["--connect-timeout", "--statement-timeout", "--lock-timeout"] { #expect(help.stdout.contains(flag), "\(flag)") }
        let zero = try ToolRunner.run("ncp-load", ["--db", db, "--table", "t", "--lock-timeout", "0"], environment: ToolRunner.baseEnvironment(), stdin: "")
        #expect(zero.status == 64)
    }

    @Test func intoAV2TableThePeriodIsAddedOnceAndSaidOrWithNoDDLPrinted() throws {
        // The DBA's table (v2): no period column.
        _ = try sqlite(#"CREATE TABLE "pri_VPC_server_list" ("customer_id" TEXT, "serverName" TEXT, "cpuCount" INTEGER, "datetime" DATETIME); INSERT INTO "pri_VPC_server_list" VALUES ('acme', 'old', 1, '2026-09-01 00:00:00')"#)
        let rows = #"{"customer_id":"acme","serverName":"web-1","cpuCount":2,"datetime":"2026-11-01 00:10"}"# + "\n"
        let arguments = ["--db", db, "--table", "pri_VPC_server_list", "--partition", "period=2026-10", "--partition", "customer_id=acme"]
        let refused = try ToolRunner.run("ncp-load", arguments + ["--no-ddl"], environment: ToolRunner.baseEnvironment(), stdin: rows)
        #expect(refused.status == 78)
        #expect(refused.stdout == #"ALTER TABLE "pri_VPC_server_list" ADD COLUMN "period" TEXT;"# + "\n")
        #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("ncp-load: error: the table lacks a column this load needs (period)"))
        #expect(try sqlite(#"SELECT group_concat(name) FROM pragma_table_info('pri_VPC_server_list')"#) == "customer_id,serverName,cpuCount,datetime")
        #expect(try sqlite(#"SELECT count(*) FROM "pri_VPC_server_list""#) == "1")
        // --batch: every entry checked, the statement printed once.
        let input = dir.appendingPathComponent("rows.ndjson").path
        try rows.write(toFile: input, atomically: true, encoding: .utf8)
        let batch = dir.appendingPathComponent("batch.ndjson").path
        try (#"{"input":"\#(input)"}"# + "\n" + #"{"input":"\#(input)"}"# + "\n").write(toFile: batch, atomically: true, encoding: .utf8)
        let refusedBatch = try ToolRunner.run("ncp-load", arguments + ["--no-ddl", "--batch", batch], environment: ToolRunner.baseEnvironment(), stdin: "")
        #expect(refusedBatch.status == 78)
        let out = refusedBatch.stdout.split(separator: "\n")
        #expect(out.filter { $0.hasPrefix("ALTER TABLE") }.count == 1 && out.filter { $0.contains(#""exit":78"#) }.count == 2)
        // Without --no-ddl the period is added once, and said once.
        for run in 0..<2 {
            let loaded = try ToolRunner.run("ncp-load", arguments, environment: ToolRunner.baseEnvironment(), stdin: rows)
            #expect(loaded.status == 0, "\(loaded.stderr)")
            let said = loaded.stderr.split(separator: "\n").filter { $0.contains("added") }
            #expect(said == (run == 0 ? ["ncp-load: added partition column period TEXT to table pri_VPC_server_list (its existing rows have NULL there)"] : []))
        }
        #expect(try sqlite(#"SELECT serverName, cpuCount, typeof(cpuCount), datetime, period FROM "pri_VPC_server_list" ORDER BY 1"#)
            == "old|1|integer|2026-09-01 00:00:00|\nweb-1|2|integer|2026-11-01 00:10:00|2026-10")
        // A field the table lacks is added, and said.
        let extra = try ToolRunner.run("ncp-load", arguments, environment: ToolRunner.baseEnvironment(),
                                       stdin: #"{"customer_id":"acme","serverName":"web-1","zone":{"code":"KR-1"},"memorySize":1.5}"# + "\n")
        #expect(extra.stderr.contains("ncp-load: added 2 columns to table pri_VPC_server_list for fields it lacked: zone_code TEXT, memorySize REAL"))
    }
}
