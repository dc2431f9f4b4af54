import Testing
@testable import LoadKit

/// Lock names and the SQL that takes them where no server runs here (SQL Server).
struct LoadLocksTests {
    @Test func sliceLocksAreNamedByTableAndSliceWhateverTheFlagOrderOrCase() {
        let a = LoadLocks.name("slice", LoadLocks.key(table: "vpc_server", partition: [("period", "2026-10"), ("customer", "alpha")]))
        let b = LoadLocks.name("slice", LoadLocks.key(table: "VPC_Server", partition: [("Customer", "ALPHA"), ("period", "2026-10")]))
        let other = LoadLocks.name("slice", LoadLocks.key(table: "vpc_server", partition: [("period", "2026-10"), ("customer", "bravo")]))
        let schema = LoadLocks.name("schema", LoadLocks.key(table: "vpc_server", partition: []))
        #expect(a.name == b.name && a.number == b.number)
        #expect(a.name != other.name && a.name != schema.name && a.number != schema.number)
        // Stable across runs and versions (FNV-1a), short enough for MariaDB's GET_LOCK (64 characters).
        #expect(a.name.hasPrefix("ncp-load:slice:") && a.name.count == 31 && schema.name.count == 32)
        #expect(LoadLocks.hash("") == 0xCBF2_9CE4_8422_2325 && LoadLocks.hash("a") == 0xAF63_DC4C_8601_EC8C)
        let long = LoadLocks.name("schema", LoadLocks.key(table: String(repeating: "t", count: 500), partition: [("p", String(repeating: "v", count: 500))]))
        #expect(long.name.count == 32)
    }

    @Test func sqlServerTakesTheLockForTheTransaction() {
        #expect(LoadLocks.sqlServerLock("ncp-load:slice:0123456789abcdef", milliseconds: 300_000)
            == "SET NOCOUNT ON; DECLARE @result int; EXEC @result = sp_getapplock @Resource = N'ncp-load:slice:0123456789abcdef', "
            + "@LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 300000; SELECT @result")
        #expect(Dialect.sqlserver.timeoutSetup(DatabaseTimeouts(connect: 5, statement: 60, lock: 7)) == ["SET LOCK_TIMEOUT 7000"])
        #expect(Dialect.postgresql.timeoutSetup(DatabaseTimeouts(connect: 5, statement: 60, lock: 7)) == ["SET lock_timeout = '7s'", "SET statement_timeout = '60s'"])
    }

    @Test func theSQLiteDriverGetsHalfTheLockTimeoutAsItsBusyTimeout() {
        let timeouts = DatabaseTimeouts(connect: 5, statement: 60, lock: 8)
        #expect(timeouts.connectionString("Driver={SQLite3};Database=/tmp/x.sqlite;") == "Driver={SQLite3};Database=/tmp/x.sqlite;Timeout=4000;")
        #expect(timeouts.connectionString("Driver={SQLite3};Database=/tmp/x.sqlite") == "Driver={SQLite3};Database=/tmp/x.sqlite;Timeout=4000;")
        #expect(timeouts.connectionString("Driver={SQLite3};Database=x;timeout=100") == "Driver={SQLite3};Database=x;timeout=100")
        #expect(timeouts.connectionString("Driver={PostgreSQL Unicode};Server=h;") == "Driver={PostgreSQL Unicode};Server=h;")
        #expect(timeouts.connectionString("DSN=report") == "DSN=report")
    }
}
