import Testing
@testable import LoadKit

/// SQL Server cannot run here: its SQL is checked as text. The other dialects run for real.
struct SQLBuilderTests {
    let columns: [(name: String, kind: ValueKind)] = [("serverInstanceNo", .text), ("cpuCount", .int), ("createDate", .timestamp), ("x]y", .bool)]

    @Test func sqlServerDDLQuotesAndTypes() {
        let sql = SQLBuilder(dialect: .sqlserver, table: "pri_VPC_server_list")
        #expect(sql.createTable(columns, keys: ["serverInstanceNo"]) == [
            "CREATE TABLE [pri_VPC_server_list] (\n  [serverInstanceNo] NVARCHAR(450),\n  [cpuCount] BIGINT,\n  [createDate] DATETIMEOFFSET(0),\n  [x]]y] BIT\n)",
            "CREATE UNIQUE INDEX [ux_pri_VPC_server_list_serverInstanceNo] ON [pri_VPC_server_list] ([serverInstanceNo])",
        ])
        #expect(sql.addColumn("new col", .float) == "ALTER TABLE [pri_VPC_server_list] ADD [new col] FLOAT")
        #expect(sql.alterType("v", .float) == "ALTER TABLE [pri_VPC_server_list] ALTER COLUMN [v] FLOAT")
        #expect(SQLBuilder(dialect: .postgresql, table: "t").alterType("v", .text) == #"ALTER TABLE "t" ALTER COLUMN "v" TYPE TEXT USING "v"::TEXT"#)
        #expect(sql.deletePartition(["period", "customer"]) == "DELETE FROM [pri_VPC_server_list] WHERE [period] = ? AND [customer] = ?")
    }

    @Test func sqlServerV2TablesTakeWallClockTextAndGetThePeriodColumn() {
        // v2's table: NVARCHAR (-9), INT (4), FLOAT (6), DATETIME (93, no zone), as the driver reports them.
        #expect([-9, 4, 6, 93, -155, 91].map(Dialect.kind(ofSQLType:)) == [.text, .int, .float, .datetime, .timestamp, .date])
        let sql = SQLBuilder(dialect: .sqlserver, table: "pri_VPC_server_list")
        // DATETIME gets `YYYY-MM-DD HH:MM:SS` text cast as DATETIME2, which reads it the same under
        // every SET LANGUAGE (as DATETIME that form is language-dependent); text binds as UTF-16 NVARCHAR.
        #expect(sql.insert([("customer_id", .text), ("cpuCount", .int), ("memorySize", .float), ("datetime", .datetime), ("day", .date)], rows: 1, keys: [])
            == "INSERT INTO [pri_VPC_server_list] ([customer_id], [cpuCount], [memorySize], [datetime], [day]) VALUES (?, ?, ?, CAST(? AS DATETIME2), CAST(? AS DATE))")
        #expect(Dialect.sqlserver.wideText)
        #expect(sql.addColumn("period", .text) == "ALTER TABLE [pri_VPC_server_list] ADD [period] NVARCHAR(MAX)")
        #expect(SQLBuilder(dialect: .postgresql, table: "t").insert([("datetime", .datetime)], rows: 1, keys: []) == #"INSERT INTO "t" ("datetime") VALUES (CAST(? AS TIMESTAMP))"#)
    }

    @Test func sqlServerMerge() {
        let sql = SQLBuilder(dialect: .sqlserver, table: "t")
        #expect(sql.insert(columns, rows: 1, keys: ["serverInstanceNo"]) ==
            "MERGE INTO [t] WITH (HOLDLOCK) AS target USING (VALUES (?, ?, CAST(? AS DATETIMEOFFSET(0)), CAST(? AS BIT))) AS source ([serverInstanceNo], [cpuCount], [createDate], [x]]y]) "
            + "ON target.[serverInstanceNo] = source.[serverInstanceNo] WHEN MATCHED THEN UPDATE SET [cpuCount] = source.[cpuCount], [createDate] = source.[createDate], [x]]y] = source.[x]]y] "
            + "WHEN NOT MATCHED THEN INSERT ([serverInstanceNo], [cpuCount], [createDate], [x]]y]) VALUES (source.[serverInstanceNo], source.[cpuCount], source.[createDate], source.[x]]y]);")
        #expect(Dialect.sqlserver.wideText)
        #expect(Dialect.sqlserver.shape(columns: 48) == (1, 1_000))
    }

    @Test func upsertsPerDialect() {
        let two: [(name: String, kind: ValueKind)] = [("id", .text), ("n", .int)]
        #expect(SQLBuilder(dialect: .postgresql, table: "t").insert(two, rows: 2, keys: ["id"])
            == #"INSERT INTO "t" ("id", "n") VALUES (?, ?), (?, ?) ON CONFLICT ("id") DO UPDATE SET "n" = excluded."n""#)
        #expect(SQLBuilder(dialect: .mariadb, table: "t").insert(two, rows: 1, keys: ["id"])
            == "INSERT INTO `t` (`id`, `n`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `n` = VALUES(`n`)")
        #expect(SQLBuilder(dialect: .sqlite, table: "t").insert(two, rows: 1, keys: [])
            == #"INSERT INTO "t" ("id", "n") VALUES (?, ?)"#)
    }

    @Test func postgresStaysUnderItsParameterLimit() {
        let (rows, array) = Dialect.postgresql.shape(columns: 48)
        #expect(array == 1 && rows * 48 <= 7_400 && rows > 40)
    }

    @Test(arguments: [("SQLite", Dialect.sqlite), ("PostgreSQL", .postgresql), ("Microsoft SQL Server", .sqlserver), ("MariaDB", .mariadb), ("MySQL", .mariadb)])
    func dialectFromTheDBMSName(_ name: String, _ dialect: Dialect) {
        #expect(Dialect.detect(dbmsName: name) == dialect)
    }
}
