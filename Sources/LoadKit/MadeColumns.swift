import ReportKit

/// Which columns ncp-load made. A number column it made from whole numbers widens to float on a
/// later load (or batch entry) that brings a fraction, as it would have been made had that load
/// come first; a column somebody else made (a DBA's, v2's) is never altered, whatever its type:
/// a BIGINT a DBA chose is as strict as an INT.
///
/// The type alone cannot tell them apart (a DBA may choose BIGINT, and SQLite's INTEGER is
/// everyone's), and a record kept in a table of our own would outlive a table dropped and made
/// again by hand. So the mark is on the column itself, in each database's own place for remarks,
/// and goes wherever the column goes:
/// - PostgreSQL: `COMMENT ON COLUMN … IS 'created by ncp-load'` (kept by ALTER … TYPE);
/// - SQL Server: the extended property `ncp-load` (kept by ALTER COLUMN);
/// - MariaDB: the column's `COMMENT 'created by ncp-load'` (restated by MODIFY COLUMN);
/// - SQLite: `/* created by ncp-load */` after the column's type, which SQLite keeps in the
///   table's CREATE statement (sqlite_master), also for columns added by ALTER TABLE.
/// Statements printed for a DBA (`--no-ddl`) carry no mark: what a DBA runs is the DBA's.
/// Tables made before ncp-load marked its columns have no marks and stay strict.
extension SQLBuilder {
    public static let madeMark = "created by ncp-load"

    /// The mark inside a column definition, where the database keeps it there.
    var inlineMark: String {
        switch dialect {
        case .sqlite: return " /* \(SQLBuilder.madeMark) */"
        case .mariadb: return " COMMENT '\(SQLBuilder.madeMark)'"
        case .postgresql, .sqlserver: return ""
        }
    }

    /// Statements marking columns just created, where the mark is not in the definition.
    public func markMade(_ columns: [String]) -> [String] {
        switch dialect {
        case .postgresql:
            return columns.map { "COMMENT ON COLUMN \(quotedTable).\(dialect.quote($0)) IS '\(SQLBuilder.madeMark)'" }
        case .sqlserver:
            let table = SQLBuilder.unicodeLiteral(quotedTable)
            return columns.map {
                "DECLARE @schema sysname = OBJECT_SCHEMA_NAME(OBJECT_ID(\(table))); EXEC sys.sp_addextendedproperty @name = N'ncp-load', "
                    + "@value = N'\(SQLBuilder.madeMark)', @level0type = N'SCHEMA', @level0name = @schema, @level1type = N'TABLE', "
                    + "@level1name = \(SQLBuilder.unicodeLiteral(self.table)), @level2type = N'COLUMN', @level2name = \(SQLBuilder.unicodeLiteral($0))"
            }
        case .sqlite, .mariadb:
            return []
        }
    }

    /// The query naming the marked columns of the table (one text parameter, `madeQueryParameter`);
    /// SQLite's answer is the table's CREATE statement, searched by `madeColumns(in:)`.
    var madeQuery: String {
        switch dialect {
        case .postgresql:
            return "SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = CAST(? AS regclass) AND a.attnum > 0 "
                + "AND NOT a.attisdropped AND pg_catalog.col_description(a.attrelid, a.attnum) = '\(SQLBuilder.madeMark)'"
        case .sqlserver:
            return "SELECT c.name FROM sys.columns c JOIN sys.extended_properties p ON p.class = 1 AND p.major_id = c.object_id "
                + "AND p.minor_id = c.column_id WHERE c.object_id = OBJECT_ID(?) AND p.name = N'ncp-load'"
        case .mariadb:
            return "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
                + "AND COLUMN_COMMENT = '\(SQLBuilder.madeMark)'"
        case .sqlite:
            return "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE"
        }
    }

    var madeQueryParameter: String { dialect == .mariadb || dialect == .sqlite ? table : quotedTable }

    /// SQLite: the columns whose definition in `createStatement` carries the mark.
    func madeColumns(in createStatement: String, among names: [String]) -> Set<String> {
        let types = Set([ValueKind.bool, .int, .float, .timestamp, .text].map { dialect.sqlType($0) })
        return Set(names.filter { name in types.contains { createStatement.contains("\(dialect.quote(name)) \($0)\(inlineMark)") } })
    }

    static func unicodeLiteral(_ text: String) -> String { "N'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}

extension Loader {
    /// The table's columns that carry ncp-load's mark (SQLBuilder.madeMark).
    func madeColumns(_ connection: any LoadConnection) throws -> Set<String> {
        let found = try connection.query(sql.madeQuery, parameters: [sql.madeQueryParameter]).compactMap { $0.first ?? nil }
        guard dialect == .sqlite else { return Set(found) }
        return sql.madeColumns(in: found.joined(separator: "\n"), among: columns.map(\.name))
    }
}
