import Foundation
import FuzzSupport
import LoadKit
import ReportKit

/// ncp-load's row building: NDJSON lines flattened into typed columns, names made safe, the
/// table planned (dry run, each dialect) or really loaded into an in-memory SQLite database
/// through ODBC or through libsqlite3 (ncp-load's native path), into a new table or into one made beforehand with typed columns (so values
/// convert into INTEGER, REAL, DATETIME, DATE, BOOLEAN columns).
///
/// Input: three option bytes, then the NDJSON stream.
///   byte 0: bits 0–2 mode (0–3 dry run as sqlite, postgresql, sqlserver, mariadb; 4–7 load
///           into SQLite, through ODBC when even, libsqlite3 when odd); bit 3 `--key id`; bit 4 `--partition`; bit 5 `--raw-column raw`;
///           bits 6–7 separator (`_`, `__`, `.`, `_`)
///   byte 1: bits 0–2 batch size − 1; bit 3 `--no-ddl`; bits 4–7 read size (0: 64 KiB, else
///           that many bytes times 3)
///   byte 2: SQLite only: which typed columns the table has before the load (0: no table)
/// Besides crashes, it checks ColumnNamer's promise: column names are letters, digits and `_`,
/// do not start with a digit, fit the dialect, and are unique (ignoring case where it does);
/// and that values loaded into the typed columns are stored exactly (StoredValues.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let flags = input.byte(), shape = input.byte(), existing = input.byte()
    let stream = input.rest()
    if skipKnownBugs, hasKnownBug(stream) { return 0 }

    var options = LoadOptions(table: "t")
    if flags & 0x08 != 0 { options.keys = ["id"] }
    if flags & 0x10 != 0 { options.partition = [("period", "2026-10"), ("customer", "acme")] }
    if flags & 0x20 != 0 { options.rawColumn = "raw" }
    options.separator = ["_", "__", ".", "_"][Int(flags >> 6)]
    options.batchSize = Int(shape & 0x07) + 1
    options.noDDL = shape & 0x08 != 0
    let piece = shape >> 4 == 0 ? 1 << 16 : Int(shape >> 4) * 3

    for line in stream.split(separator: 0x0A) {
        _ = line.withUnsafeBytes { DateTimeText.canonical($0) }
        _ = Flattener.timestamp(String(decoding: line, as: UTF8.self))
    }

    let database = flags & 0x04 != 0
    let dialect: Dialect = database ? .sqlite : Dialect.allCases[Int(flags & 0x03)]
    var connection: (any LoadConnection)?
    if database {
        do {
            connection = flags & 0x01 != 0 ? try SQLiteConnection(file: ":memory:")
                : try ODBCConnection(connectionString: "Driver={SQLite3};Database=:memory:;")
            let columns = typedColumns.enumerated().filter { existing & (1 << $0.offset) != 0 }.map { "\($0.element.name) \($0.element.type)" }
            if !columns.isEmpty { try connection!.execute("CREATE TABLE t (\(columns.joined(separator: ", ")))") }
        } catch {
            fatalError("fuzz-load needs the SQLite3 ODBC driver (libsqliteodbc; scripts/odbc-setup registers it): \(error)")
        }
    }
    let source = PiecewiseStream(stream, piece: piece)
    defer { source.finish(lingering: true) }
    let loader = Loader(connection: connection, dialect: dialect, options: options)
    let report: LoadReport
    do {
        report = try loader.run(NDJSONReader(fd: source.fd, source: "fuzz"))
    } catch {
        if debug { print("error", error) }
        return 0
    }
    try? connection?.commit()
    if debug {
        print("rows", report.rows, report.columns.map { "\($0.name):\($0.kind)" }, report.statements.count)
        if let rows = try? connection?.query("SELECT * FROM t") { for row in rows { print("row", row.map { $0 ?? "NULL" }) } }
    }

    if let connection, existing & 0x03 != 0, options.keys.isEmpty {
        checkStored(stream, in: connection, integer: existing & 0x02 != 0, text: existing & 0x01 != 0)
    }

    var names = Set<String>()
    for column in report.columns {
        let name = column.name
        let ascii = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
        require(ascii && !name.isEmpty && !(name.first!.isNumber), "column name \(name.debugDescription) is not a safe identifier")
        require(name.count <= dialect.maxIdentifierLength, "column name \(name) is longer than \(dialect) allows")
        let key = dialect.caseInsensitiveNames ? name.lowercased() : name
        require(names.insert(key).inserted, "two columns named \(name) in \(dialect)")
    }
    return 0
}

/// `FUZZ_DEBUG=1`: print what each input loaded, or why not (for writing seeds).
let debug = ProcessInfo.processInfo.environment["FUZZ_DEBUG"] == "1"

/// Columns a table may have before the load (byte 2 picks them), as a DBA or v2 made them.
let typedColumns: [(name: String, type: String)] = [
    ("id", "TEXT"), ("n", "INTEGER"), ("f", "REAL"), ("ts", "TIMESTAMP"),
    ("dt", "DATETIME"), ("d", "DATE"), ("b", "BOOLEAN"), ("a_b", "BIGINT"),
]

/// Inputs that hit a bug already on file (crashes-found/load), passed over with `--skip-known`:
/// a run of 19 or more digits, as in -9223372036854775808 (its negation traps in
/// Loader.integer) and integers beyond 64 bits (stored wrapped in an INTEGER column).
func hasKnownBug(_ stream: [UInt8]) -> Bool {
    var digits = 0
    for byte in stream {
        digits = (0x30...0x39).contains(byte) ? digits + 1 : 0
        if digits >= 19 { return true }
    }
    return false
}
