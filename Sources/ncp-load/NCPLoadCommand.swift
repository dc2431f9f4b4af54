import ArgumentParser
import Foundation
import LoadKit
import ReportKit

@main
struct NCPLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ncp-load",
        abstract: "Load an NDJSON stream into a database table (SQLite and PostgreSQL through their own libraries, the rest through ODBC), in one transaction.",
        discussion: """
            Flattens each object (a.b → a_b; arrays as JSON text), names columns safely, infers types (integer, float, boolean, timestamp with offset, text; NCP ids stay text), creates the table if missing and adds columns for new fields (never narrows or converts an existing column: a value that does not fit it is an error naming both; columns this load created widen instead, and integer columns an earlier load or batch entry created widen to float for a fraction: ncp-load marks the columns it creates with the remark 'created by ncp-load'), and loads everything in ONE transaction: a bad line, a failing statement or a kill leaves the database as it was. On MariaDB, which commits implicitly on CREATE and ALTER TABLE, the input is first read into an unnamed temporary file while the schema is settled, so no DDL falls inside the data transaction (if the data then fails, a new table or new columns stay, empty: additive, never data).

            --partition col=val stamps the columns on every row and replaces exactly that slice (delete, then insert, same transaction), so re-running a period never duplicates rows. --key col,... upserts instead (ON CONFLICT, MERGE, ON DUPLICATE KEY).

            Into a table that already exists (a DBA's, such as the v2 system's), each field goes to the column of the same name (regardless of case where the database ignores it) as that column's type: integer columns take integers and whole floats (3.0; 1.5 is an error naming line, column and value), float and decimal columns numbers, text columns anything (numbers as their literal text), DATETIME/TIMESTAMP/DATE columns without a time zone 'YYYY-MM-DD HH:MM[:SS[.fff]]' and ISO 8601 with an offset, stored as the wall-clock time written (2026-11-01T00:10:00+09:00 → 2026-11-01 00:10:00). A partition column or fields the table lacks are added (ALTER TABLE … ADD; older rows get NULL), and each addition is said on stderr. --no-ddl never creates or alters anything: if the table or a column is missing, ncp-load fails before writing anything (exit 78) and prints on stdout the CREATE TABLE / ALTER TABLE statements a DBA can run.

            Loads running at once take turns where they would collide: a load of the same table and slice waits for the one before it to commit, then replaces its rows (never both); loads creating or altering one table do so one at a time and use what the other made. SQLite has one writer: there every load waits for the one writing.

            Waits are bounded: connecting gives up after --connect-timeout seconds (default 30; exit 69, also when the driver itself ignores its login timeout), a statement is cancelled after --statement-timeout (default 600; exit 75), and a lock wait, for another load of the same slice or another transaction's lock on the table, gives up after --lock-timeout (default 300; exit 75). Each is one line on stderr naming the flag; nothing is committed.

            Connection, first that is given: a flag (--connection-string-file FILE, --connection-string or --dsn without a password, --db FILE: an explicit flag always wins over the environment), then $ODBC_CONNECTION_STRING, the v2 variables DATABASE_SERVER/DATABASE_NAME/DATABASE_USER/DATABASE_PWD (SQL Server via $ODBC_DRIVER, default 'ODBC Driver 18 for SQL Server', always encrypted: Encrypt=yes, or Encryption=require for FreeTDS), else the SQLite file $REPORT_DB (default ./report.sqlite). A connection string may also be a libpq URL (postgresql://user@host:5432/db, its password only in the environment or a file). -v and --check say which one was used and which others were set but not used.

            Path: SQLite files and PostgreSQL are loaded through the database's own library (libsqlite3: one prepared statement, WAL; libpq: COPY), several times faster than their ODBC drivers; every other database (SQL Server, MariaDB, a DSN) goes through ODBC. An ODBC string naming the SQLite3 or PostgreSQL driver takes the native path too. --via odbc (or $REPORT_LOAD_VIA=odbc) forces ODBC; --check says which path a connection takes. Both paths load the same rows the same way: one transaction, the same locks, types and errors.

            Examples:
              ncp-fetch server --trailer | ncp-load --table server --partition period=2026-10 --partition customer=alpha --require-trailer
              ncp-load --table server --key serverInstanceNo --db report.sqlite < servers.ndjson
              ncp-load --table server --dry-run < servers.ndjson
              ncp-load --table pri_VPC_server_list --partition period=2026-10 --partition customer_id=acme --no-ddl < rows.ndjson
              ncp-load --table server --partition period=2026-10 --connect-timeout 10 --lock-timeout 60 < servers.ndjson
              ODBC_CONNECTION_STRING=postgresql://report@db.internal/report ncp-load --check

            Exit status:
            \(ExitStatus.helpTable)
            """,
        version: ToolVersion.current
    )

    @Option(help: "Table to load into.")
    var table: String = ""

    @Option(help: ArgumentHelp("Load many slices in one connection: NDJSON entries {\"input\": FILE, \"partition\": {\"customer\": \"alpha\"}}, each its own transaction; one report line per entry on stdout.", valueName: "file"))
    var batch: String?

    @Flag(help: "Connect, print the database, driver and their versions as JSON, and stop (scripts/odbc-setup --check).")
    var check = false

    @Option(name: .customLong("partition"), help: ArgumentHelp("Stamp and replace this slice (repeatable).", valueName: "col=val"))
    var partitions: [String] = []

    @Option(help: ArgumentHelp("Upsert on these columns (comma-separated).", valueName: "col,..."))
    var key: String?

    @Option(help: ArgumentHelp("Also keep each original line in this column.", valueName: "col"))
    var rawColumn: String?

    @Option(help: ArgumentHelp("Joins nested keys (default _).", valueName: "sep"))
    var separator: String = "_"

    @Option(help: ArgumentHelp("ODBC connection string, or a postgresql:// URL, without a password.", valueName: "string"))
    var connectionString: String?

    @Option(help: ArgumentHelp("Read the connection string (which may hold a password) from this file.", valueName: "file"))
    var connectionStringFile: String?

    @Option(help: ArgumentHelp("An ODBC data source name.", valueName: "name"))
    var dsn: String?

    @Option(help: ArgumentHelp("auto (the database's own library for SQLite and PostgreSQL, else ODBC), native, or odbc (default $REPORT_LOAD_VIA, else auto).", valueName: "path"))
    var via: LoadVia?

    @Option(help: ArgumentHelp("SQLite file to load into; wins over $ODBC_CONNECTION_STRING and DATABASE_* (without it, those, else $REPORT_DB, else ./report.sqlite).", valueName: "file"))
    var db: String?


    @Flag(help: "Print the DDL and the plan without touching the database.")
    var dryRun = false

    @Flag(name: .customLong("no-ddl"), help: "Never CREATE or ALTER: a missing table or column fails before anything is written (exit 78), with the statements to run printed on stdout.")
    var noDDL = false

    @Option(help: ArgumentHelp("none, or json: print what was done on stdout.", valueName: "none|json"))
    var report: LoadReportFormat = .none

    @Option(help: ArgumentHelp("Rows typed and inserted together (default 5000).", valueName: "n"))
    var batchSize: Int = 5_000

    @Option(help: ArgumentHelp("Give up connecting after this many seconds (default 30; exit 69).", valueName: "seconds"))
    var connectTimeout: Int = 30

    @Option(help: ArgumentHelp("Cancel a statement that runs longer than this many seconds (default 600; exit 75).", valueName: "seconds"))
    var statementTimeout: Int = 600

    @Option(help: ArgumentHelp("Give up waiting for a lock after this many seconds: another load of the same table and slice, or another transaction's lock on the table (default 300; exit 75).", valueName: "seconds"))
    var lockTimeout: Int = 300


    @OptionGroup var stream: StreamInputOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        await ToolMain.run(tool: "ncp-load", logging: logging) { try execute() }
    }

    /// The three timeouts, each a second to a day.
    func timeouts() throws -> DatabaseTimeouts {
        for (flag, value) in [("--connect-timeout", connectTimeout), ("--statement-timeout", statementTimeout), ("--lock-timeout", lockTimeout)]
        where !DatabaseTimeouts.range.contains(value) {
            throw Failure(.usage, "\(flag) must be \(DatabaseTimeouts.range.lowerBound) to \(DatabaseTimeouts.range.upperBound) seconds")
        }
        return DatabaseTimeouts(connect: connectTimeout, statement: statementTimeout, lock: lockTimeout)
    }

    func execute() throws {
        let timeouts = try timeouts()
        let via = try self.via ?? EnvironmentFallback.process["REPORT_LOAD_VIA"].flatMap { $0.isEmpty ? nil : $0 }.map { value in
            guard let via = LoadVia(rawValue: value.lowercased()) else { throw Failure(.usage, "$REPORT_LOAD_VIA must be auto, native or odbc, not \(value.debugDescription)") }
            return via
        } ?? .auto
        if check { return try LoadJob.check(try connectionSettings(), via: via, timeouts: timeouts) }
        guard !table.isEmpty, !table.contains(where: { $0.isNewline || $0 == "\0" }) else { throw Failure(.usage, "--table must be a name") }
        guard (1...100_000).contains(batchSize) else { throw Failure(.usage, "--batch-size must be 1 to 100000") }
        var options = LoadOptions(table: table)
        options.partition = try KeyValueArguments.parse(partitions).map { ($0.key, $0.value) }
        if Set(options.partition.map(\.column)).count != options.partition.count {
            throw Failure(.usage, "each --partition column may be given once (a slice has one value per column)")
        }
        options.keys = key.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        options.rawColumn = rawColumn
        options.separator = separator
        options.requireTrailer = stream.requireTrailer
        options.batchSize = batchSize
        options.noDDL = noDDL
        var job = LoadJob(options: options, settings: try connectionSettings(), timeouts: timeouts)
        job.announces = !logging.quiet
        job.via = via
        if let batch {
            guard !dryRun, stream.input == "-" else { throw Failure(.usage, "--batch takes its inputs from its entries; --dry-run and --input do not apply") }
            let slices = try job.loadBatch(batch) { try stream.reader(path: $0) }
            if !logging.quiet { FileHandle.standardError.write(Data("ncp-load: \(slices) slices into \(table)\n".utf8)) }
            return
        }
        if dryRun { return try job.plan(try stream.reader()) }
        let result = try job.load(try stream.reader())
        if !logging.quiet {
            let added = result.newColumns.isEmpty ? "" : ", new columns: \(result.newColumns.joined(separator: ", "))"
            let created = result.createdTable ? " (created the table)" : ""
            FileHandle.standardError.write(Data("ncp-load: \(result.rows) rows into \(table)\(created)\(added) in \(String(format: "%.2f", result.seconds)) s\n".utf8))
        }
        if report == .json {
            try OutputStream.stdout.writeLine(result.json)
            try OutputStream.stdout.flush()
        }
    }

    /// The connection docs/contract.md (Environment) and README (ncp-load) describe, from the flags and the environment.
    func connectionSettings() throws -> ConnectionSettings {
        let environment = EnvironmentFallback.process
        return try ConnectionSettings.resolve(
            string: connectionString, file: connectionStringFile, dsn: dsn, db: db, database: environment["REPORT_DB"] ?? "report.sqlite",
            environment: environment)
    }
}
