import ReportKit

extension Loader {
    /// The table as it is now (its columns and their kinds), or nothing when it does not exist.
    /// Read when the load starts and again once the schema lock is held (LoadLocks), when
    /// another load may have created or widened it.
    func readTable() throws {
        guard let connection, let existing = try probeTable(connection) else { return }
        tableExists = true
        existedBefore = true  // before this load's first CREATE or ALTER, which follow the reads
        columns = existing
        madeEarlier = try madeColumns(connection)
    }

    /// The table's columns and their kinds, or nil when it does not exist. On PostgreSQL its
    /// existence is asked of the catalog first: an error there can end the transaction (psqlODBC
    /// rolls all of it back when the failing statement is the transaction's first), and with it
    /// the slice lock. The catalog is read by a query, which sees what other transactions
    /// committed up to now (to_regclass may answer from the session's cache of the catalog).
    func probeTable(_ connection: any LoadConnection) throws -> [(name: String, kind: ValueKind)]? {
        let quoted = dialect.quote(options.table)
        if dialect == .postgresql {
            let found = try connection.query("""
                SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                WHERE c.relname = ? AND n.nspname = ANY (pg_catalog.current_schemas(true))
                """, parameters: [options.table])
            guard found.first?.first != "0" else { return nil }
        }
        if dialect == .sqlite {
            // SQLite names a statement's columns from the schema this connection last read; a
            // query of sqlite_master checks it against the file, so another load's CREATE or
            // ALTER (committed while this one waited for the write lock) is seen.
            _ = try connection.query("SELECT count(*) FROM sqlite_master")
        }
        do {
            return try connection.columns(of: "SELECT * FROM \(quoted) WHERE 1=0")
        } catch let error as DatabaseError where error.isMissingTable && dialect != .postgresql {
            return nil  // the others go on with the transaction after this error
        }
    }
}

extension DatabaseError {
    /// The table named does not exist (each database's words for it).
    var isMissingTable: Bool {
        let text = driverMessage.lowercased()
        return sqlState == "42S02" || sqlState == "42P01" || text.contains("no such table") || text.contains("does not exist")
    }
}
