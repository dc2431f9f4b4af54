/// The SQL ncp-load sends, per dialect. Identifiers are always quoted; values always bound.
public struct SQLBuilder: Sendable {
    public let dialect: Dialect
    public let table: String

    public init(dialect: Dialect, table: String) {
        self.dialect = dialect
        self.table = table
    }

    var quotedTable: String { dialect.quote(table) }

    /// `marked`: the columns carry ncp-load's mark (MadeColumns.swift) where the definition holds it.
    public func createTable(_ columns: [(name: String, kind: ValueKind)], keys: [String], marked: Bool = false) -> [String] {
        let mark = marked ? inlineMark : ""
        let definitions = columns.map { "\(dialect.quote($0.name)) \(dialect.sqlType($0.kind, isKey: keys.contains($0.name)))\(mark)" }
        // MariaDB tables say their character set: a server default of latin1 cannot hold Korean.
        let options = dialect == .mariadb ? " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" : ""
        var statements = ["CREATE TABLE \(quotedTable) (\n  " + definitions.joined(separator: ",\n  ") + "\n)" + options]
        if !keys.isEmpty { statements.append(uniqueIndex(keys)) }
        return statements
    }

    public func uniqueIndex(_ keys: [String]) -> String {
        let name = dialect.quote(String(("ux_" + table + "_" + keys.joined(separator: "_")).prefix(dialect.maxIdentifierLength)))
        return "CREATE UNIQUE INDEX \(name) ON \(quotedTable) (\(keys.map(dialect.quote).joined(separator: ", ")))"
    }

    public func addColumn(_ name: String, _ kind: ValueKind, marked: Bool = false) -> String {
        let column = "\(dialect.quote(name)) \(dialect.sqlType(kind))\(marked ? inlineMark : "")"
        switch dialect {
        case .sqlserver: return "ALTER TABLE \(quotedTable) ADD \(column)"
        default: return "ALTER TABLE \(quotedTable) ADD COLUMN \(column)"
        }
    }

    /// Widens a column's type (only ever one ncp-load made: MariaDB's MODIFY restates its mark);
    /// nil for SQLite, whose columns hold any value already.
    public func alterType(_ name: String, _ kind: ValueKind) -> String? {
        let column = dialect.quote(name)
        let type = dialect.sqlType(kind)
        switch dialect {
        case .sqlite: return nil
        case .postgresql: return "ALTER TABLE \(quotedTable) ALTER COLUMN \(column) TYPE \(type) USING \(column)::\(type)"
        case .sqlserver: return "ALTER TABLE \(quotedTable) ALTER COLUMN \(column) \(type)"
        case .mariadb: return "ALTER TABLE \(quotedTable) MODIFY COLUMN \(column) \(type)\(inlineMark)"
        }
    }

    /// `DELETE … WHERE p1 = ? AND p2 = ?`: the slice a partitioned load replaces.
    public func deletePartition(_ columns: [String]) -> String {
        "DELETE FROM \(quotedTable) WHERE " + columns.map { "\(dialect.quote($0)) = ?" }.joined(separator: " AND ")
    }

    /// INSERT of `rows` rows (multi-row VALUES), or the dialect's upsert when `keys` are given.
    public func insert(_ columns: [(name: String, kind: ValueKind)], rows: Int, keys: [String]) -> String {
        let names = columns.map { dialect.quote($0.name) }.joined(separator: ", ")
        let row = "(" + columns.map { dialect.placeholder($0.kind) }.joined(separator: ", ") + ")"
        let values = Array(repeating: row, count: rows).joined(separator: ", ")
        let updates = columns.map(\.name).filter { !keys.contains($0) }
        guard !keys.isEmpty else { return "INSERT INTO \(quotedTable) (\(names)) VALUES \(values)" }
        switch dialect {
        case .postgresql, .sqlite:
            return "INSERT INTO \(quotedTable) (\(names)) VALUES \(values) " + onConflict(columns.map(\.name), keys: keys)
        case .mariadb:
            let set = (updates.isEmpty ? [keys[0]] : updates).map { "\(dialect.quote($0)) = VALUES(\(dialect.quote($0)))" }.joined(separator: ", ")
            return "INSERT INTO \(quotedTable) (\(names)) VALUES \(values) ON DUPLICATE KEY UPDATE \(set)"
        case .sqlserver:
            let source = columns.map { dialect.quote($0.name) }.joined(separator: ", ")
            let on = keys.map { "target.\(dialect.quote($0)) = source.\(dialect.quote($0))" }.joined(separator: " AND ")
            let set = updates.map { "\(dialect.quote($0)) = source.\(dialect.quote($0))" }.joined(separator: ", ")
            let inserted = columns.map { "source.\(dialect.quote($0.name))" }.joined(separator: ", ")
            return "MERGE INTO \(quotedTable) WITH (HOLDLOCK) AS target USING (VALUES \(values)) AS source (\(source)) ON \(on) "
                + (updates.isEmpty ? "" : "WHEN MATCHED THEN UPDATE SET \(set) ")
                + "WHEN NOT MATCHED THEN INSERT (\(names)) VALUES (\(inserted));"
        }
    }

    /// PostgreSQL's and SQLite's upsert clause: the key's row takes every other column's new value.
    func onConflict(_ columns: [String], keys: [String]) -> String {
        let updates = columns.filter { !keys.contains($0) }
        let set = updates.map { "\(dialect.quote($0)) = excluded.\(dialect.quote($0))" }.joined(separator: ", ")
        return "ON CONFLICT (\(keys.map(dialect.quote).joined(separator: ", "))) " + (updates.isEmpty ? "DO NOTHING" : "DO UPDATE SET \(set)")
    }

    /// The upsert of rows staged in `source` (PostgreSQL's COPY path: one statement per batch).
    public func upsert(from source: String, columns: [String], keys: [String]) -> String {
        let names = columns.map { dialect.quote($0) }.joined(separator: ", ")
        return "INSERT INTO \(quotedTable) (\(names)) SELECT \(names) FROM \(source) " + onConflict(columns, keys: keys)
    }
}
