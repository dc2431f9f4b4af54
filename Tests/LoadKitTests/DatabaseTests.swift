import Foundation
import Testing
import ReportKit
@testable import LoadKit

/// Real drivers: SQLite through the SQLite3 ODBC driver always; PostgreSQL through psqlODBC
/// when REPORT_TEST_PG names a server (scripts/test starts one).
struct DatabaseTarget: Sendable, CustomTestStringConvertible {
    /// The database: sqlite, postgresql or mariadb.
    let name: String
    let connectionString: String
    /// The path every load of a test takes: the same cases run over ODBC and over each native path.
    var via: LoadVia = .odbc
    var testDescription: String { "\(name) over \(via == .odbc ? "ODBC" : "its own library")" }

    var settings: ConnectionSettings { ConnectionSettings(connectionString: connectionString, source: "the test") }

    static var all: [DatabaseTarget] {
        let sqlite = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID().uuidString).sqlite").path
        var databases = [DatabaseTarget(name: "sqlite", connectionString: "Driver={SQLite3};Database=\(sqlite);")]
        if let pg = ProcessInfo.processInfo.environment["REPORT_TEST_PG"], !pg.isEmpty {
            databases.append(DatabaseTarget(name: "postgresql", connectionString: pg))
        }
        if let mariadb = ProcessInfo.processInfo.environment["REPORT_TEST_MARIADB"], !mariadb.isEmpty {
            databases.append(DatabaseTarget(name: "mariadb", connectionString: mariadb))
        }
        return databases.flatMap { database -> [DatabaseTarget] in
            var native = database
            native.via = .native
            return database.settings.native == nil ? [database] : [database, native]
        }
    }
}

func uniqueTable(_ prefix: String) -> String { "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())" }

@discardableResult
func load(_ lines: [String], into target: DatabaseTarget, _ configure: (inout LoadOptions) -> Void) throws -> LoadReport {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("input-\(UUID().uuidString).ndjson")
    try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let fd = open(file.path, O_RDONLY)
    defer { close(fd) }
    let (connection, dialect) = try LoadConnector.open(target.settings, via: target.via)
    var options = LoadOptions(table: "t")
    configure(&options)
    let loader = Loader(connection: connection, dialect: dialect, options: options)
    do {
        let report = try loader.run(NDJSONReader(fd: fd, source: "input"))
        try loader.commit()
        return report
    } catch {
        loader.rollback()
        throw error
    }
}

/// Runs a query; `"` quotes identifiers on every target (MariaDB in ANSI_QUOTES mode here).
func rows(_ sql: String, _ target: DatabaseTarget) throws -> [[String?]] {
    let (connection, dialect) = try ODBCConnection.open(target.connectionString)
    if dialect == .mariadb { try connection.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')") }
    return try connection.query(sql)
}

@Suite(.serialized)
struct DatabaseTests {
    @Test(arguments: DatabaseTarget.all)
    func nestedKoreanNullsAndHugeStrings(_ target: DatabaseTarget) throws {
        let table = uniqueTable("nested")
        let huge = String(repeating: "가나다", count: 100_000)
        try load([
            #"{"id":"0001","zone":{"code":"KR-1"},"tags":["a","b"],"desc":"한글 설명","n":null,"cpu":2,"ratio":0.25,"ok":true,"at":"2024-03-05T10:11:12+0900"}"#,
            #"{"id":"0002","zone":{"code":"KR-2"},"tags":[],"desc":"\#(huge)","n":null,"cpu":4,"ratio":1,"ok":false,"at":"2024-03-06T00:00:00+0900"}"#,
        ], into: target) { $0.table = table }
        let q = target.name == "postgresql" ? "\"" : "\""
        let result = try rows("SELECT \(q)id\(q), \(q)zone_code\(q), \(q)tags\(q), \(q)desc\(q), \(q)n\(q), \(q)cpu\(q), \(q)ok\(q) FROM \(q)\(table)\(q) ORDER BY 1", target)
        #expect(result.count == 2)
        #expect(result[0][0] == "0001")  // ids stay text: leading zeros kept
        #expect(result[0][1] == "KR-1" && result[0][2] == #"["a","b"]"# && result[0][3] == "한글 설명" && result[0][4] == nil)
        #expect(result[1][3] == huge)
        #expect(result[0][5] == "2")
        #expect(["1", "t", "true"].contains(result[0][6] ?? ""))
        let at = try rows("SELECT \(q)at\(q) FROM \(q)\(table)\(q) ORDER BY 1", target)
        if target.name == "sqlite" {
            #expect(at[0][0] == "2024-03-05T10:11:12+09:00")
            #expect(try rows("SELECT julianday(\"at\") IS NOT NULL FROM \"\(table)\"", target).allSatisfy { $0[0] == "1" })
        } else if target.name == "mariadb" {
            #expect(at[0][0] == "2024-03-05T10:11:12+09:00")  // VARCHAR: MariaDB's DATETIME has no offset
        } else {
            #expect(try rows("SELECT extract(epoch from \"at\")::bigint FROM \"\(table)\" ORDER BY 1", target)[0][0] == "1709601072")
        }
    }

    @Test(arguments: DatabaseTarget.all)
    func aFieldAppearingAfterTenThousandRowsAddsAColumn(_ target: DatabaseTarget) throws {
        let table = uniqueTable("late")
        var lines = (1...10_000).map { #"{"id":"\#($0)","cpu":\#($0 % 8)}"# }
        lines.append(#"{"id":"10001","cpu":1,"fabricCluster":{"poolNo":"77"}}"#)
        let report = try load(lines, into: target) { $0.table = table }
        #expect(report.rows == 10_001)
        #expect(report.newColumns == ["fabricCluster_poolNo"])
        #expect(try rows("SELECT count(*), count(\"fabricCluster_poolNo\") FROM \"\(table)\"", target)[0] == ["10001", "1"])
    }

    @Test(arguments: DatabaseTarget.all)
    func hostileKeys(_ target: DatabaseTarget) throws {
        let table = uniqueTable("hostile")
        let long = String(repeating: "k", count: 200)
        try load([#"{"a]; DROP TABLE x;--":"1","it's \"q\"":"2","with space":"3","\#(long)":"4","Name":"5","name":"6"}"#], into: target) { $0.table = table }
        let result = try rows("SELECT * FROM \"\(table)\"", target)
        #expect(result == [["1", "2", "3", "4", "5", "6"]])
    }

    @Test(arguments: DatabaseTarget.all)
    func rerunningAPartitionReplacesItAndLeavesOthersAlone(_ target: DatabaseTarget) throws {
        let table = uniqueTable("part")
        let october = (1...30).map { #"{"id":"\#($0)"}"# }
        for _ in 0..<2 {
            try load(october, into: target) { $0.table = table; $0.partition = [("period", "2026-10"), ("customer", "alpha")] }
        }
        try load(Array(october.prefix(5)), into: target) { $0.table = table; $0.partition = [("period", "2026-09"), ("customer", "alpha")] }
        try load(Array(october.prefix(7)), into: target) { $0.table = table; $0.partition = [("period", "2026-10"), ("customer", "bravo")] }
        let counts = try rows("SELECT \"period\", \"customer\", count(*) FROM \"\(table)\" GROUP BY 1, 2 ORDER BY 1, 2", target)
        #expect(counts == [["2026-09", "alpha", "5"], ["2026-10", "alpha", "30"], ["2026-10", "bravo", "7"]])
    }

    @Test(arguments: DatabaseTarget.all)
    func aBadLineAnywhereCommitsNothing(_ target: DatabaseTarget) throws {
        let table = uniqueTable("bad")
        let good = (1...20).map { #"{"id":"\#($0)"}"# }
        try load(good, into: target) { $0.table = table; $0.partition = [("period", "2026-10")] }
        for badLine in [1, 150_000] {
            var lines = (1...max(badLine, 2)).map { #"{"id":"\#($0)"}"# }
            lines[badLine - 1] = #"{"id": tru}"#
            #expect {
                try load(lines, into: target) { $0.table = table; $0.partition = [("period", "2026-10")] }
            } throws: { error in
                (error as? Failure)?.exitStatus == .dataError && (error as? Failure)!.message.hasPrefix("line \(badLine): ")
            }
            #expect(try rows("SELECT count(*) FROM \"\(table)\"", target)[0][0] == "20")
        }
    }

    @Test(arguments: DatabaseTarget.all)
    func aColumnAddedMidLoadThenAFailureStillCommitsNothing(_ target: DatabaseTarget) throws {
        // MariaDB commits on ALTER TABLE: without its schema pass, the DELETE of the partition and
        // the first 6,000 rows would be committed by the ALTER the new field needs.
        let table = uniqueTable("midddl")
        try load((1...20).map { #"{"id":"\#($0)"}"# }, into: target) { $0.table = table; $0.partition = [("period", "2026-10")] }
        var lines = (1...9_000).map { #"{"id":"\#($0)"}"# }
        lines[5_999] = #"{"id":"6000","late":"x"}"#
        lines[8_999] = #"{"id": nope}"#
        #expect {
            try load(lines, into: target) { $0.table = table; $0.partition = [("period", "2026-10")]; $0.batchSize = 1_000 }
        } throws: { ($0 as? Failure)?.message.hasPrefix("line 9000: ") == true }
        #expect(try rows("SELECT count(*) FROM \"\(table)\"", target)[0][0] == "20")
        // The same input without the bad line loads whole, the late column included.
        lines[8_999] = #"{"id":"9000"}"#
        let report = try load(lines, into: target) { $0.table = table; $0.partition = [("period", "2026-10")]; $0.batchSize = 1_000 }
        #expect(report.rows == 9_000 && report.newColumns == ["late"])
        #expect(try rows("SELECT count(*), count(\"late\") FROM \"\(table)\"", target)[0] == ["9000", "1"])
    }

    @Test(arguments: DatabaseTarget.all)
    func aValueThatNoLongerFitsNamesColumnValueAndLine(_ target: DatabaseTarget) throws {
        let table = uniqueTable("fit")
        try load([#"{"id":"1","cpu":2}"#], into: target) { $0.table = table }
        #expect {
            try load([#"{"id":"2","cpu":2}"#, #"{"id":"3","cpu":"two"}"#], into: target) { $0.table = table }
        } throws: { error in
            guard let failure = error as? Failure else { return false }
            return failure.message.contains("line 2") && failure.message.contains("cpu") && failure.message.contains("two")
        }
        #expect(try rows("SELECT count(*) FROM \"\(table)\"", target)[0][0] == "1")
    }

    @Test(arguments: DatabaseTarget.all)
    func keysUpsertAndTheTrailerIsChecked(_ target: DatabaseTarget) throws {
        let table = uniqueTable("keyed")
        try load([#"{"no":"1","v":1}"#, #"{"no":"2","v":2}"#, #"{"no":"1","v":3}"#], into: target) { $0.table = table; $0.keys = ["no"] }
        try load([#"{"no":"2","v":20}"#, #"{"_trailer":{"items":1,"complete":true}}"#], into: target) {
            $0.table = table; $0.keys = ["no"]; $0.requireTrailer = true
        }
        #expect(try rows("SELECT \"no\", \"v\" FROM \"\(table)\" ORDER BY 1", target) == [["1", "3"], ["2", "20"]])
        // The trailer counts lines, even when upserting folds two of them into one row.
        try load([#"{"no":"2","v":21}"#, #"{"no":"2","v":22}"#, #"{"_trailer":{"items":2,"complete":true}}"#], into: target) {
            $0.table = table; $0.keys = ["no"]; $0.requireTrailer = true
        }
        #expect(try rows("SELECT \"v\" FROM \"\(table)\" WHERE \"no\" = '2'", target) == [["22"]])
        #expect { try load([#"{"no":"3","v":1}"#], into: target) { $0.table = table; $0.keys = ["no"]; $0.requireTrailer = true } } throws: {
            ($0 as? Failure)?.message.contains("no completeness trailer") == true
        }
        #expect(try rows("SELECT count(*) FROM \"\(table)\"", target)[0][0] == "2")
    }

    @Test(arguments: DatabaseTarget.all)
    func theRawColumnKeepsEachOriginalLine(_ target: DatabaseTarget) throws {
        let table = uniqueTable("raw")
        let line = #"{"id":"1","zone":{"code":"KR-1"},"note":"한글 \"q\""}"#
        try load([line], into: target) { $0.table = table; $0.rawColumn = "raw"; $0.separator = "__" }
        #expect(try rows("SELECT \"zone__code\", \"raw\" FROM \"\(table)\"", target) == [["KR-1", line]])
    }

    @Test(arguments: DatabaseTarget.all)
    func reviewFindings(_ target: DatabaseTarget) throws {
        // No items: no table yet is fine; an existing partition is emptied.
        let table = uniqueTable("review")
        try load([], into: target) { $0.table = table; $0.partition = [("period", "2026-10")] }
        try load([#"{"id":"1","ip":"1.2.3.4"}"#], into: target) { $0.table = table; $0.partition = [("period", "2026-10")] }
        try load([#"{"_trailer":{"items":0,"complete":true}}"#], into: target) {
            $0.table = table; $0.partition = [("period", "2026-10")]; $0.requireTrailer = true
        }
        #expect(try rows("SELECT count(*) FROM \"\(table)\"", target)[0][0] == "0")
        // Upserts overwrite with NULL what the new row leaves out; null keys are refused.
        let keyed = uniqueTable("keyed_null")
        try load([#"{"id":"1","ip":"1.2.3.4","name":"a"}"#], into: target) { $0.table = keyed; $0.keys = ["id"] }
        try load([#"{"id":"1","ip":null,"name":"b"}"#], into: target) { $0.table = keyed; $0.keys = ["id"] }
        #expect(try rows("SELECT \"ip\", \"name\" FROM \"\(keyed)\"", target) == [[nil, "b"]])
        // An existing boolean column reads back as boolean, so text is refused in it.
        let flags = uniqueTable("flags")
        try load([#"{"ok":true}"#], into: target) { $0.table = flags }
        #expect { try load([#"{"ok":"yes"}"#], into: target) { $0.table = flags } } throws: {
            ($0 as? Failure)?.message.contains("column ok holds") == true
        }
        #expect { try load([#"{"id":null,"name":"c"}"#], into: target) { $0.table = keyed; $0.keys = ["id"] } } throws: {
            ($0 as? Failure)?.message.contains("line 1: the key column id is null") == true
        }
    }

    @Test(arguments: DatabaseTarget.all)
    func typesDoNotDependOnWhereBatchesSplit(_ target: DatabaseTarget) throws {
        let table = uniqueTable("widen")
        try load([#"{"v":0}"#, #"{"v":0.25}"#, #"{"v":"n/a"}"#], into: target) { $0.table = table; $0.batchSize = 1 }
        let values = try rows("SELECT \"v\" FROM \"\(table)\"", target).map { $0[0] ?? "" }
        #expect(values.count == 3 && values.contains("n/a") && values.contains { $0.hasPrefix("0.25") })
    }

    @Test(arguments: DatabaseTarget.all)
    func valuesThatOutgrowTheirBoundBuffersArriveWhole(_ target: DatabaseTarget) throws {
        // Buffers stay bound across statements and grow when a value outgrows them: lengths
        // rise row by row (every statement re-binds), jump, then fall back (stale bytes must not leak).
        let table = uniqueTable("grow")
        let lengths = Array(0..<1_200) + [70_000] + Array(repeating: 3, count: 700)
        let lines = lengths.enumerated().map { row, length in
            #"{"row":\#(row),"text":"\#(String(repeating: "가", count: length))","flag":\#(row % 2 == 0),"n":\#(row % 3 == 0 ? "null" : "\(row)")}"#
        }
        let report = try load(lines, into: target) { $0.table = table; $0.batchSize = 1_000 }
        #expect(report.rows == lengths.count)
        let stored = try rows("SELECT \"row\", \"text\", \"flag\", \"n\" FROM \"\(table)\" ORDER BY \"row\"", target)
        #expect(stored.count == lengths.count)
        for (row, values) in stored.enumerated() {
            guard values[1] == String(repeating: "가", count: lengths[row]), Int(values[0] ?? "") == row else {
                Issue.record("row \(row) came back as \(values[0] ?? "nil") with \(values[1]?.count ?? -1) characters, not \(lengths[row])")
                break
            }
            #expect(["1", "t", "true"].contains(values[2] ?? "") == (row % 2 == 0))
            #expect(values[3] == (row % 3 == 0 ? nil : "\(row)"))
        }
    }

    @Test func theFreeTDSDriverLoads() {
        // No SQL Server here: a refused connection (08001) proves the driver itself loaded,
        // where a missing driver would be IM002/IM003.
        #expect {
            // By path, so the check does not depend on odbcinst.ini registration.
            let library = "/usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so"
            let driver = FileManager.default.fileExists(atPath: library) ? library : "{FreeTDS}"
            _ = try ODBCConnection(connectionString: "Driver=\(driver);Server=127.0.0.1;Port=9;Database=x;TDS_Version=7.4;LoginTimeout=2;")
        } throws: { error in
            guard let error = error as? DatabaseError else { return false }
            return !error.sqlState.hasPrefix("IM") && error.exitStatus == .unavailable
        }
    }
}
