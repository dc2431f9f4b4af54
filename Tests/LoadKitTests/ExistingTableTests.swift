import Foundation
import Testing
import ReportKit
@testable import LoadKit

/// Tables a DBA created before ncp-load ever ran (the v2 system's, on SQL Server with NVARCHAR,
/// INT, FLOAT, DATETIME), made here with each database's closest types.
func createV2Table(_ table: String, on target: DatabaseTarget, withPeriod: Bool = false) throws {
    let (text, int, float, datetime): (String, String, String, String)
    switch target.name {
    case "postgresql": (text, int, float, datetime) = ("varchar(200)", "integer", "double precision", "timestamp")
    case "mariadb": (text, int, float, datetime) = ("VARCHAR(200)", "INT", "DOUBLE", "DATETIME")
    default: (text, int, float, datetime) = ("TEXT", "INTEGER", "REAL", "DATETIME")
    }
    let (connection, dialect) = try ODBCConnection.open(target.connectionString)
    let q = dialect.quote
    let columns = [("customer_id", text), ("serverName", text), ("zoneNo", text), ("cpuCount", int), ("memorySize", float),
                   ("value", float), ("datetime", datetime), ("timestamp", datetime)] + (withPeriod ? [("period", text)] : [])
    try connection.execute("CREATE TABLE \(q(table)) (" + columns.map { "\(q($0.0)) \($0.1)" }.joined(separator: ", ") + ")")
    try connection.commit()
}

/// Runs one statement and commits it; `"` quotes identifiers on every target.
func execute(_ sql: String, on target: DatabaseTarget) throws {
    let (connection, dialect) = try ODBCConnection.open(target.connectionString)
    if dialect == .mariadb { try connection.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')") }
    try connection.execute(sql)
    try connection.commit()
}

/// Each column's name and ODBC type, as the loader reads them.
func columnTypes(_ table: String, _ target: DatabaseTarget) throws -> [String] {
    let (connection, dialect) = try ODBCConnection.open(target.connectionString)
    return try connection.columns(of: table, quoted: dialect.quote(table))?.map { "\($0.name):\($0.sqlType)" } ?? []
}

/// What ncp-report --layout v2 produces: text, integer sizes, float values, naive local times.
let v2Rows = [
    #"{"customer_id":"acme","serverName":"web-1","zoneNo":3,"cpuCount":2,"memorySize":1.5,"value":7,"datetime":"2026-11-01 00:10","timestamp":"2026-10-01 00:00:00"}"#,
    #"{"customer_id":"acme","serverName":"web-2","zoneNo":"KR-2","cpuCount":4.0,"memorySize":16,"value":0.25,"datetime":"2026-11-01T23:59:59+0900","timestamp":"2026-10-31 12:34:56.5"}"#,
]

@Suite(.serialized)
struct ExistingTableTests {
    @Test(arguments: DatabaseTarget.all)
    func v2TablesTakeEachValueAsTheirColumnsTypeAndGetThePeriodOnce(_ target: DatabaseTarget) throws {
        let table = uniqueTable("pri_VPC_server_list")
        try createV2Table(table, on: target)
        let before = try columnTypes(table, target)
        for run in 0..<2 {
            let report = try load(v2Rows, into: target) { $0.table = table; $0.partition = [("period", "2026-10"), ("customer_id", "acme")] }
            #expect(report.rows == 2)
            if run == 0 {
                // The partition column is the one schema change, said once; no field was missing.
                #expect(report.addedColumns.map(\.name) == ["period"] && report.addedColumns.allSatisfy(\.partition))
            } else {
                #expect(report.addedColumns.isEmpty && report.newColumns.isEmpty)
            }
        }
        // The DBA's columns keep their types; only period was added.
        let after = try columnTypes(table, target)
        #expect(Array(after.prefix(before.count)) == before && after.count == before.count + 1 && after.last?.hasPrefix("period:") == true)
        let values: String
        switch target.name {
        case "postgresql": values = #"pg_typeof("cpuCount")::text || ' ' || "cpuCount", pg_typeof("memorySize")::text || ' ' || "memorySize", pg_typeof("value")::text || ' ' || "value", pg_typeof("datetime")::text || ' ' || "datetime", "timestamp"::text, "zoneNo", "period""#
        // MariaDB has no typeof: its columns' types are the DBA's, unchanged (checked above).
        case "mariadb": values = #"CONCAT('int ', "cpuCount"), CONCAT('double ', "memorySize"), CONCAT('double ', "value"), CONCAT('datetime ', "datetime"), CAST("timestamp" AS CHAR), "zoneNo", "period""#
        default: values = #"typeof("cpuCount") || ' ' || "cpuCount", typeof("memorySize") || ' ' || "memorySize", typeof("value") || ' ' || "value", typeof("datetime") || ' ' || "datetime", "timestamp", "zoneNo", "period""#
        }
        let stored = try rows("SELECT \(values) FROM \"\(table)\" ORDER BY \"serverName\"", target)
        let (int, float, datetime) = target.name == "postgresql" ? ("integer", "double precision", "timestamp without time zone")
            : target.name == "mariadb" ? ("int", "double", "datetime") : ("integer", "real", "text")
        let seconds = target.name == "mariadb" ? "2026-10-31 12:34:56" : "2026-10-31 12:34:56.5"  // DATETIME(0) drops the fraction
        let whole = target.name == "sqlite" ? ".0" : ""  // SQLite prints a REAL's 7 as 7.0
        #expect(stored == [
            ["\(int) 2", "\(float) 1.5", "\(float) 7\(whole)", "\(datetime) 2026-11-01 00:10:00", "2026-10-01 00:00:00", "3", "2026-10"],
            ["\(int) 4", "\(float) 16\(whole)", "\(float) 0.25", "\(datetime) 2026-11-01 23:59:59", seconds, "KR-2", "2026-10"],
        ])
        if target.name == "sqlite" {  // SQLite's own date functions read what was stored
            #expect(try rows(#"SELECT datetime("datetime") FROM "\#(table)" ORDER BY 1"#, target) == [["2026-11-01 00:10:00"], ["2026-11-01 23:59:59"]])
        }
    }

    @Test(arguments: DatabaseTarget.all)
    func columnsWithATimeZoneKeepTheInstantOnLaterLoads(_ target: DatabaseTarget) throws {
        // A table this tool made (TIMESTAMPTZ on PostgreSQL) is existing on the second load: the
        // offset must still count there, not be dropped as for a DBA's wall-clock DATETIME.
        let table = uniqueTable("zoned")
        for period in ["2026-09", "2026-10"] {
            try load([#"{"at":"2024-03-05T10:11:12+0900"}"#], into: target) { $0.table = table; $0.partition = [("period", period)] }
        }
        if target.name == "postgresql" {
            #expect(try columnTypes(table, target).first == "at:-155")
            #expect(try rows(#"SELECT extract(epoch from "at")::bigint FROM "\#(table)""#, target) == [["1709601072"], ["1709601072"]])
        } else {
            #expect(try rows(#"SELECT "at" FROM "\#(table)""#, target) == [["2024-03-05T10:11:12+09:00"], ["2024-03-05T10:11:12+09:00"]])
        }
    }

    @Test(arguments: DatabaseTarget.all)
    func noDDLRefusesAMissingPeriodBeforeWritingAnything(_ target: DatabaseTarget) throws {
        let table = uniqueTable("pri_VPC_server_list")
        try createV2Table(table, on: target)
        try execute(#"INSERT INTO "\#(table)" ("customer_id", "serverName", "cpuCount") VALUES ('acme', 'old', 1)"#, on: target)
        let before = try columnTypes(table, target)
        let dialect = try ODBCConnection.open(target.connectionString).1
        #expect {
            try load(v2Rows, into: target) { $0.table = table; $0.partition = [("period", "2026-10"), ("customer_id", "acme")]; $0.noDDL = true }
        } throws: { error in
            guard let needed = error as? SchemaChangeNeeded else { return false }
            return needed.exitStatus == .config && needed.missingColumns == ["period"]
                && needed.statements == [SQLBuilder(dialect: dialect, table: table).addColumn("period", .text)]
                && needed.line.contains("--no-ddl") && !needed.line.contains("\n")
        }
        #expect(try columnTypes(table, target) == before)
        #expect(try rows(#"SELECT "serverName" FROM "\#(table)""#, target) == [["old"]])
        // A missing table: the CREATE TABLE, typed as this load would have made it.
        let missing = uniqueTable("missing")
        #expect {
            try load(v2Rows, into: target) { $0.table = missing; $0.partition = [("period", "2026-10")]; $0.noDDL = true }
        } throws: { error in
            guard let needed = error as? SchemaChangeNeeded else { return false }
            return needed.missingColumns == nil && needed.statements.first?.hasPrefix("CREATE TABLE \(dialect.quote(missing))") == true
        }
        #expect(try columnTypes(missing, target).isEmpty)
        // With everything present it loads normally.
        let complete = uniqueTable("pri_VPC_server_list")
        try createV2Table(complete, on: target, withPeriod: true)
        let report = try load(v2Rows, into: target) { $0.table = complete; $0.partition = [("period", "2026-10"), ("customer_id", "acme")]; $0.noDDL = true }
        #expect(report.rows == 2 && report.addedColumns.isEmpty)
        #expect(try rows(#"SELECT count(*) FROM "\#(complete)" WHERE "period" = '2026-10'"#, target) == [["2"]])
    }

    @Test(arguments: DatabaseTarget.all)
    func aFractionInAnIntegerColumnNamesLineAndColumnAndCommitsNothing(_ target: DatabaseTarget) throws {
        let table = uniqueTable("pri_VPC_server_list")
        try createV2Table(table, on: target, withPeriod: true)
        try load(v2Rows, into: target) { $0.table = table; $0.partition = [("period", "2026-10"), ("customer_id", "acme")] }
        let bad = v2Rows + [#"{"customer_id":"acme","serverName":"web-3","cpuCount":2.5}"#]
        #expect {
            try load(bad, into: target) { $0.table = table; $0.partition = [("period", "2026-10"), ("customer_id", "acme")] }
        } throws: { error in
            guard let failure = error as? Failure else { return false }
            return failure.exitStatus == .dataError && failure.message.hasPrefix("line 3: column cpuCount") && failure.message.contains("2.5")
        }
        #expect(try rows(#"SELECT "serverName" FROM "\#(table)" ORDER BY 1"#, target) == [["web-1"], ["web-2"]])
        // Text that is no date-time, into a DATETIME column: the same.
        #expect {
            try load([#"{"customer_id":"acme","datetime":"yesterday"}"#], into: target) { $0.table = table; $0.partition = [("period", "2026-10")] }
        } throws: { ($0 as? Failure)?.message.hasPrefix("line 1: column datetime") == true }
        #expect(try rows(#"SELECT count(*) FROM "\#(table)""#, target) == [["2"]])
    }
}
