import Foundation
import Testing
import ReportKit
@testable import LoadKit

/// A number column ncp-load made from whole numbers widens to float on a later run, as it would
/// have been made had that run come first; columns it did not make stay as their creator made them.
@Suite(.serialized)
struct WideningTests {
    @Test(arguments: DatabaseTarget.all)
    func anIntegerColumnTheLoaderMadeWidensOnALaterRun(_ target: DatabaseTarget) throws {
        let table = uniqueTable("ratio")
        try load([#"{"id":"1","ratio":0,"cpu":2}"#], into: target) { $0.table = table; $0.partition = [("period", "2026-09")] }
        let widened = try load([#"{"id":"2","ratio":12.5,"cpu":4}"#], into: target) { $0.table = table; $0.partition = [("period", "2026-10")] }
        // Said where the column's type changed (SQLite's INTEGER column takes 12.5 as it is).
        #expect(widened.widenedColumns.map(\.name) == (target.name == "sqlite" ? [] : ["ratio"]))
        // A third run with whole numbers only, and one more fraction, still loads.
        try load([#"{"id":"3","ratio":7,"cpu":8}"#, #"{"id":"4","ratio":0.25,"cpu":1}"#], into: target) { $0.table = table; $0.partition = [("period", "2026-11")] }
        let stored = try rows(#"SELECT "id", "ratio", "cpu" FROM "\#(table)" ORDER BY "id""#, target).map { [$0[0] ?? "", Double($0[1] ?? "") ?? .nan, $0[2] ?? ""] as [AnyHashable] }
        #expect(stored == [["1", 0.0, "2"], ["2", 12.5, "4"], ["3", 7.0, "8"], ["4", 0.25, "1"]])
        // Only numbers widen across runs: text into that column is still an error naming line and column.
        #expect {
            try load([#"{"id":"5","ratio":1}"#, #"{"id":"6","ratio":"n/a"}"#], into: target) { $0.table = table; $0.partition = [("period", "2026-12")] }
        } throws: { error in
            guard let failure = error as? Failure else { return false }
            return failure.exitStatus == .dataError && failure.message.hasPrefix("line 2: column ratio") && failure.location == table
        }
    }

    @Test(arguments: DatabaseTarget.all)
    func aBigintColumnADBAMadeStaysStrict(_ target: DatabaseTarget) throws {
        // The same type the loader would have chosen, made by hand: not the loader's, so not widened.
        let table = uniqueTable("dba_bigint")
        try execute(#"CREATE TABLE "\#(table)" ("id" \#(target.name == "mariadb" ? "VARCHAR(20)" : "TEXT"), "ratio" \#(target.name == "sqlite" ? "INTEGER" : "BIGINT"))"#, on: target)
        try load([#"{"id":"1","ratio":0}"#], into: target) { $0.table = table }
        #expect {
            try load([#"{"id":"2","ratio":3}"#, #"{"id":"3","ratio":12.5}"#], into: target) { $0.table = table }
        } throws: { error in
            guard let failure = error as? Failure else { return false }
            return failure.exitStatus == .dataError && failure.message.hasPrefix("line 2: column ratio") && failure.message.contains("12.5")
                && failure.location == table && !failure.line.contains("\n")
        }
        #expect(try rows(#"SELECT count(*) FROM "\#(table)""#, target) == [["1"]])
    }
}

/// The marks as SQL, SQL Server's included (no server here).
struct MadeColumnMarkTests {
    @Test func eachDatabaseKeepsTheMarkWithTheColumn() {
        let columns: [(name: String, kind: ValueKind)] = [("id", .text), ("it's", .int)]
        #expect(SQLBuilder(dialect: .sqlite, table: "t").createTable(columns, keys: [], marked: true)
            == ["CREATE TABLE \"t\" (\n  \"id\" TEXT /* created by ncp-load */,\n  \"it's\" INTEGER /* created by ncp-load */\n)"])
        #expect(SQLBuilder(dialect: .mariadb, table: "t").addColumn("n", .int, marked: true) == "ALTER TABLE `t` ADD COLUMN `n` BIGINT COMMENT 'created by ncp-load'")
        #expect(SQLBuilder(dialect: .mariadb, table: "t").alterType("n", .float) == "ALTER TABLE `t` MODIFY COLUMN `n` DOUBLE COMMENT 'created by ncp-load'")
        #expect(SQLBuilder(dialect: .postgresql, table: "t").markMade(["it's"]) == [#"COMMENT ON COLUMN "t"."it's" IS 'created by ncp-load'"#])
        #expect(SQLBuilder(dialect: .sqlserver, table: "o't").markMade(["c]d"]) == [
            "DECLARE @schema sysname = OBJECT_SCHEMA_NAME(OBJECT_ID(N'[o''t]')); EXEC sys.sp_addextendedproperty @name = N'ncp-load', "
                + "@value = N'created by ncp-load', @level0type = N'SCHEMA', @level0name = @schema, @level1type = N'TABLE', "
                + "@level1name = N'o''t', @level2type = N'COLUMN', @level2name = N'c]d'",
        ])
        #expect(SQLBuilder(dialect: .sqlserver, table: "t").createTable(columns, keys: [], marked: true) == SQLBuilder(dialect: .sqlserver, table: "t").createTable(columns, keys: []))
        // What a DBA is given to run (--no-ddl) is unmarked: the DBA's columns stay strict.
        #expect(SQLBuilder(dialect: .sqlite, table: "t").addColumn("n", .int) == #"ALTER TABLE "t" ADD COLUMN "n" INTEGER"#)
    }

    @Test func sqliteFindsTheMarkedColumnsInTheCreateStatement() {
        let sql = SQLBuilder(dialect: .sqlite, table: "t")
        let create = "CREATE TABLE \"t\" (\n  \"id\" TEXT /* created by ncp-load */,\n  \"n\" INTEGER,\n  \"m\" REAL /* created by ncp-load */\n)"
        #expect(sql.madeColumns(in: create, among: ["id", "n", "m", "x"]) == ["id", "m"])
    }
}
