import Foundation
import ReportKit

/// How long ncp-load waits for the database, in seconds: to connect (`--connect-timeout`), for
/// one statement (`--statement-timeout`), for a lock (`--lock-timeout`: another load of the same
/// slice, or another transaction's lock on the table). Without them a database that accepts the
/// connection and never answers, or a transaction that never ends, holds a load for ever.
public struct DatabaseTimeouts: Sendable, Equatable {
    public var connect: Int
    public var statement: Int
    public var lock: Int

    public init(connect: Int = 30, statement: Int = 600, lock: Int = 300) {
        self.connect = connect
        self.statement = statement
        self.lock = lock
    }

    /// What each flag accepts: a second to a day.
    public static let range = 1...86_400

    /// For requests other than statements (SQL_ATTR_CONNECTION_TIMEOUT, where a driver reads it
    /// as a socket timeout): later than any wait the database itself ends, so it only ever stops
    /// a connection that has gone silent.
    var backstop: Int { max(statement, lock) + connect }
}

extension Dialect {
    /// Session settings for the timeouts the driver does not apply itself (run once per
    /// connection, then committed: PostgreSQL's SET is undone by a rollback).
    /// - PostgreSQL: lock_timeout (psqlODBC turns SQL_ATTR_QUERY_TIMEOUT into statement_timeout;
    ///   it is set here too, so a rolled-back batch entry cannot lose it).
    /// - MariaDB: InnoDB row locks, metadata locks (DDL, LOCK TABLES) and max_statement_time
    ///   (Connector/ODBC 3.1 ignores SQL_ATTR_QUERY_TIMEOUT).
    /// - SQL Server: SET LOCK_TIMEOUT (the driver applies SQL_ATTR_QUERY_TIMEOUT).
    /// - SQLite: none; its lock wait is the driver's busy timeout (`DatabaseTimeouts.connectionString`).
    public func timeoutSetup(_ timeouts: DatabaseTimeouts) -> [String] {
        switch self {
        case .postgresql:
            return ["SET lock_timeout = '\(timeouts.lock)s'", "SET statement_timeout = '\(timeouts.statement)s'"]
        case .mariadb:
            return ["SET SESSION innodb_lock_wait_timeout = \(timeouts.lock), lock_wait_timeout = \(timeouts.lock), max_statement_time = \(timeouts.statement)"]
        case .sqlserver:
            return ["SET LOCK_TIMEOUT \(timeouts.lock * 1000)"]
        case .sqlite:
            return []
        }
    }
}

extension DatabaseTimeouts {
    /// The connection string with the SQLite driver's busy timeout (`Timeout=` milliseconds) when
    /// it names that driver and sets none. sqliteodbc waits that long inside SQLite and then
    /// once more itself, so it gets half the lock timeout. Other drivers' strings are unchanged.
    public func connectionString(_ connectionString: String) -> String {
        func has(_ pattern: String) -> Bool { connectionString.range(of: pattern, options: [.regularExpression, .caseInsensitive]) != nil }
        guard has(#"(^|;)\s*driver\s*=\s*\{?[^;}]*sqlite"#), !has(#"(^|;)\s*timeout\s*="#) else { return connectionString }
        let separator = connectionString.trimmingCharacters(in: .whitespaces).hasSuffix(";") || connectionString.isEmpty ? "" : ";"
        return connectionString + separator + "Timeout=\(max(1, lock * 500));"
    }
}

/// A wait that ran out: the database did not answer a connection, a statement ran too long, or
/// a lock was not granted. Connecting is exit 69 (unavailable); the others are exit 75 (a
/// temporary failure: the same load can succeed once the other transaction is done).
public struct LoadTimeout: ToolError {
    public enum Kind: Sendable { case connect, statement, lock, slice, database }
    public let kind: Kind
    public let seconds: Int
    /// For `slice`: the slice another load holds (`period=2026-10, customer=alpha`).
    public var slice = ""
    /// The driver's own words, when it has any (redacted).
    public var detail = ""
    public var location: String?

    public init(_ kind: Kind, seconds: Int, slice: String = "", detail: String = "", at location: String? = nil) {
        self.kind = kind
        self.seconds = seconds
        self.slice = slice
        self.detail = detail
        self.location = location
    }

    public var exitStatus: ExitStatus { kind == .connect ? .unavailable : .tempFail }

    public var message: String {
        let said = detail.isEmpty ? "" : ": \(detail)"
        switch kind {
        case .connect: return "no answer from the database within \(seconds) s of connecting (--connect-timeout)\(said)"
        case .statement: return "a statement ran longer than \(seconds) s and was cancelled (--statement-timeout); nothing was committed\(said)"
        case .lock: return "waited \(seconds) s for a lock another transaction holds on the table (--lock-timeout); nothing was committed\(said)"
        case .slice: return "waited \(seconds) s for another load of the same slice (\(slice)) to finish (--lock-timeout); nothing was committed"
        case .database: return "waited \(seconds) s for the database's write lock, which another load or transaction holds (--lock-timeout; SQLite has one writer); nothing was committed"
        }
    }

    /// The timeout `error` is, if it is one, as said by each database.
    public static func kind(of error: DatabaseError, dialect: Dialect) -> Kind? {
        switch dialect {
        case .postgresql:
            if error.sqlState == "55P03" { return .lock }  // lock_not_available: lock_timeout
            if error.sqlState == "57014" { return .statement }  // query_canceled: statement_timeout
        case .mariadb:
            if error.nativeError == 1205 { return .lock }  // ER_LOCK_WAIT_TIMEOUT (rows and metadata)
            if error.nativeError == 1969 || error.nativeError == 3024 || error.sqlState == "70100" { return .statement }  // max_statement_time
        case .sqlserver:
            if error.nativeError == 1222 { return .lock }  // lock request time out period exceeded
            if error.sqlState == "HYT00" || error.sqlState == "HYT01" { return .statement }
        case .sqlite:
            let text = error.driverMessage.lowercased()
            if text.contains("locked") || text.contains("busy") { return .lock }
        }
        return nil
    }

    /// `error` as a timeout when it is one, else unchanged.
    static func classify(_ error: any Error, dialect: Dialect, timeouts: DatabaseTimeouts, table: String) -> any Error {
        guard let error = error as? DatabaseError, let kind = kind(of: error, dialect: dialect) else { return error }
        return LoadTimeout(kind, seconds: kind == .lock ? timeouts.lock : timeouts.statement, at: table)
    }
}

/// A connection attempt on a thread of its own, waited for at most the connect timeout.
/// Drivers do not all honour SQL_ATTR_LOGIN_TIMEOUT: MariaDB's Connector/ODBC 3.1 waits for the
/// server's greeting for ever (psqlODBC honours it, as libpq's connect_timeout). An attempt given
/// up on stays with its thread, which frees the connection if the driver ever returns.
final class ConnectAttempt: @unchecked Sendable {
    // @unchecked: `result` and `abandoned` are only touched while `condition` is held, and the
    // connection in `result` belongs to one thread at a time (its maker, then the waiter).
    private let condition = NSCondition()
    private var result: Result<ODBCConnection, any Error>?
    private var abandoned = false

    static func connect(_ connectionString: String, label: String, timeouts: DatabaseTimeouts) throws -> ODBCConnection {
        let attempt = ConnectAttempt()
        let thread = Thread {
            attempt.finish(Result { try ODBCConnection(connectionString: connectionString, label: label, timeouts: timeouts) })
        }
        thread.name = "ncp-load-connect"
        thread.start()
        // A second more than the driver's own login timeout, so its error (which says more) comes first.
        guard let result = attempt.wait(until: Date().addingTimeInterval(Double(timeouts.connect) + 1)) else {
            throw LoadTimeout(.connect, seconds: timeouts.connect)
        }
        do {
            return try result.get()
        } catch let error as DatabaseError where error.sqlState.hasPrefix("HYT") || (error.sqlState.hasPrefix("08") && error.driverMessage.lowercased().contains("timeout")) {
            // The driver's own login timeout (psqlODBC: "… failed: timeout expired").
            throw LoadTimeout(.connect, seconds: timeouts.connect, detail: Redactor.shared.redact(error.driverMessage))
        }
    }

    private func finish(_ outcome: Result<ODBCConnection, any Error>) {
        condition.lock()
        defer { condition.unlock() }
        guard !abandoned else { return }  // nobody waits: the connection is freed on this thread
        result = outcome
        condition.broadcast()
    }

    /// The outcome, or nil (and the attempt abandoned) at the deadline.
    private func wait(until deadline: Date) -> Result<ODBCConnection, any Error>? {
        condition.lock()
        defer { condition.unlock() }
        while result == nil {
            if !condition.wait(until: deadline) { break }
        }
        if result == nil { abandoned = true }
        return result
    }
}
