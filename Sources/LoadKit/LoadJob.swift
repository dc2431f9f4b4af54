import Foundation
import ReportKit

/// ncp-load's work once its options are resolved: one stream into its table in one
/// transaction, a dry run's plan, a `--batch` of slices over one connection, or `--check`.
public struct LoadJob {
    public var options: LoadOptions
    public var settings: ConnectionSettings
    public var timeouts: DatabaseTimeouts
    /// How to reach the database (`--via`).
    public var via: LoadVia = .auto
    /// Say on stderr what a load changed in an existing table (false with -q).
    public var announces = true

    public init(options: LoadOptions, settings: ConnectionSettings, timeouts: DatabaseTimeouts) {
        self.options = options
        self.settings = settings
        self.timeouts = timeouts
    }

    /// One stream in one transaction: all of it, or (on any error) nothing.
    public func load(_ reader: NDJSONReader) throws -> LoadReport {
        let (connection, dialect) = try connect()
        var printed = Set<String>()
        return try load(reader, over: connection, dialect, options: options, printed: &printed)
    }

    /// One stream over `connection` in its own transaction, committed, or rolled back with the
    /// statements `--no-ddl` needed printed (each once in `printed`); what it changed is announced.
    private func load(
        _ reader: NDJSONReader, over connection: any LoadConnection, _ dialect: Dialect, options: LoadOptions, printed: inout Set<String>
    ) throws -> LoadReport {
        let loader = Loader(connection: connection, dialect: dialect, options: options)
        let result: LoadReport
        do {
            result = try loader.run(reader)
            try loader.commit()
        } catch {
            loader.rollback()
            try Self.printStatements(error, &printed)
            throw error
        }
        announce(result)
        return result
    }

    /// `--dry-run`: the DDL and the plan on stdout, the database untouched.
    public func plan(_ reader: NDJSONReader) throws {
        let dialect = Dialect.guess(connectionString: settings.connectionString)
        let result = try Loader(connection: nil, dialect: dialect, options: options).run(reader)
        let out = OutputStream.stdout
        try out.writeLine("-- ncp-load plan (\(dialect.rawValue), connection from \(settings.source)): \(result.rows) rows into \(options.table), \(result.columns.count) columns; the table is assumed not to exist")
        for statement in result.statements { try out.writeLine(statement + ";") }
        try out.flush()
    }

    /// `--batch`: one connection, one transaction per entry (its partition replaced, or nothing
    /// if it fails); a failing entry is rolled back and reported, the others go on. Returns the
    /// number of entries.
    @discardableResult
    public func loadBatch(_ path: String, reader: (String) throws -> NDJSONReader) throws -> Int {
        let batch = try BatchFile<LoadBatch>(path: path)
        let (connection, dialect) = try connect()
        var printed = Set<String>()  // a column missing for every entry is printed once
        for entry in batch.entries {
            var detail = (try? entry.get()).map(LoadBatch.Detail.init) ?? LoadBatch.Detail()
            do {
                let entry = try entry.get()
                var options = self.options
                options.partition += entry.partitionColumns
                let result = try load(try reader(entry.input), over: connection, dialect, options: options, printed: &printed)
                detail.input = entry.input
                detail.rows = result.rows
                detail.newColumns = result.newColumns
                try batch.emit(.init(detail, .ok(seconds: result.seconds)))
            } catch {
                try batch.emit(.init(detail, .failed(FailureRecord(error))))
            }
        }
        try batch.finish()
        return batch.entries.count
    }

    func connect() throws -> (any LoadConnection, Dialect) {
        let path = try settings.path(via: via)
        Log.shared.info("connecting", ["source": settings.source, "driver": ConnectionString.describe(settings.connectionString), "path": path.library])
        if path == .odbc, via == .auto, settings.isPostgresODBC {
            Log.shared.info("through ODBC: the connection string sets keys only psqlODBC applies", ["keys": settings.untranslatedKeys.joined(separator: ", ")])
        }
        if !settings.shadowed.isEmpty {
            Log.shared.info("also configured, not used (\(settings.source) comes first)", ["ignored": settings.shadowed.joined(separator: ", ")])
        }
        if case .sqlite(let file)? = settings.native, file != ":memory:" {
            let folder = (file as NSString).deletingLastPathComponent
            do { try FileManager.default.createDirectory(atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true) } catch {
                throw Failure(.cantCreate, "cannot create the folder for the database: \(error.localizedDescription)", at: folder)
            }
        }
        return try LoadConnector.open(settings, via: via, timeouts: timeouts)
    }

    /// `--no-ddl` refused a missing table or column: the statements a DBA can run, on stdout,
    /// each once per run.
    static func printStatements(_ error: any Error, _ printed: inout Set<String>) throws {
        guard let needed = error as? SchemaChangeNeeded else { return }
        for statement in needed.statements where printed.insert(statement).inserted {
            try OutputStream.stdout.writeLine(statement + ";")
        }
        try OutputStream.stdout.flush()
    }

    /// Says on stderr what this load changed in a table that already existed: each partition
    /// column it added (one line each), the columns it added for fields (one line), each column
    /// it widened (one line each).
    func announce(_ result: LoadReport) {
        guard announces else { return }
        var lines = result.addedColumns.filter(\.partition).map {
            "ncp-load: added partition column \($0.name) \($0.type) to table \(result.table) (its existing rows have NULL there)"
        }
        let fields = result.addedColumns.filter { !$0.partition }
        if !fields.isEmpty {
            lines.append("ncp-load: added \(fields.count == 1 ? "a column" : "\(fields.count) columns") to table \(result.table) for fields it lacked: "
                + fields.map { "\($0.name) \($0.type)" }.joined(separator: ", "))
        }
        lines += result.widenedColumns.map {
            "ncp-load: widened column \($0.name) of table \(result.table) to \($0.type): an earlier load made it from whole numbers, this one brought fractions"
        }
        for line in lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// `--check`: which database, path and driver (or library) the resolved connection reaches.
    public static func check(_ settings: ConnectionSettings, via: LoadVia = .auto, timeouts: DatabaseTimeouts) throws {
        let path = try settings.path(via: via)
        // ODBC: connected without `open`, so that a database ncp-load cannot load into is still named.
        let connection: any LoadConnection = path == .odbc
            ? try ODBCConnection.connect(settings.connectionString, label: settings.label, timeouts: timeouts)
            : try LoadConnector.open(settings, via: via, timeouts: timeouts, checking: true).0
        let about = connection.describe()
        try OutputStream.stdout.writeLine(.object(JSONObject([
            ("source", .string(settings.source)), ("ignored", .array(settings.shadowed.map { .string($0) })),
            ("path", .string(path.rawValue)), ("library", .string(path.library)),
            ("dialect", Dialect.detect(dbmsName: about.dbms).map { .string($0.rawValue) } ?? .null),
            ("dbms", .string(about.dbms)), ("dbmsVersion", .string(about.dbmsVersion)),
            ("driver", .string(about.driver)), ("driverVersion", .string(about.driverVersion)),
        ])))
        try OutputStream.stdout.flush()
        connection.rollback()
    }
}
