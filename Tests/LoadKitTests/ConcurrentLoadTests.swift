import Foundation
import Testing
import ReportKit
@testable import LoadKit

/// Two `ncp-load` processes at once, as two pipeline legs or an operator's re-run beside the
/// scheduled one start them: a slice is never doubled, a table is never created twice, and a
/// load that has to wait for another gives up after --lock-timeout rather than hanging.
@Suite(.serialized)
struct ConcurrentLoadTests {
    static let slice = ["--partition", "period=2026-10", "--partition", "customer=alpha"]

    /// Another transaction (a DBA's, a report query's) holding the table: the load gives up after
    /// --lock-timeout instead of waiting for ever.
    @Test(arguments: DatabaseTarget.all)
    func aLoadBehindAnotherTransactionsLockGivesUpInsteadOfHanging(_ target: DatabaseTarget) throws {
        let table = uniqueTable("locked")
        try load([#"{"serverInstanceNo":"0"}"#], into: target) { $0.table = table; $0.partition = [("period", "2026-10"), ("customer", "alpha")] }
        let holder = try TableLockHolder(table, target)
        defer { holder.release() }
        let waiter = try LoadProcess(["--table", table, "--lock-timeout", "2"] + Self.slice, connectionString: target.connectionString,
                                     stdin: #"{"serverInstanceNo":"2"}"# + "\n")
        let waited = waiter.wait(seconds: 40)
        #expect(waited.status == 75, "\(waited.stderr)")
        #expect(waited.stderr.contains("--lock-timeout"), "\(waited.stderr)")
        #expect(waited.seconds < 15, "waited \(waited.seconds) s")
    }

    @Test(arguments: DatabaseTarget.all.filter { $0.name != "sqlite" })
    func aStatementOverTheStatementTimeoutFails(_ target: DatabaseTarget) throws {
        // SQLite has no statement timeout (sqliteodbc ignores it; the file is local): its waits are lock waits.
        let table = uniqueTable("slow")
        try load([#"{"serverInstanceNo":"0"}"#], into: target) { $0.table = table; $0.partition = [("period", "2026-10"), ("customer", "alpha")] }
        let holder = try TableLockHolder(table, target)
        defer { holder.release() }
        let waiter = try LoadProcess(["--table", table, "--lock-timeout", "100", "--statement-timeout", "2"] + Self.slice,
                                     connectionString: target.connectionString, stdin: #"{"serverInstanceNo":"2"}"# + "\n")
        let waited = waiter.wait(seconds: 40)
        #expect(waited.status == 75, "\(waited.stderr)")
        #expect(waited.stderr.contains("--statement-timeout"), "\(waited.stderr)")
        #expect(waited.seconds < 15, "waited \(waited.seconds) s")
    }
}

/// Holds a lock on a table from outside ncp-load until released: PostgreSQL LOCK TABLE, MariaDB
/// LOCK TABLES … WRITE, SQLite a write transaction (python3's sqlite3, so the holder does not
/// depend on how LoadKit opens SQLite).
final class TableLockHolder {
    private var connection: ODBCConnection?
    private var python: Process?
    private let input = Pipe()

    init(_ table: String, _ target: DatabaseTarget) throws {
        switch target.name {
        case "sqlite":
            guard let path = target.connectionString.split(separator: ";").first(where: { $0.hasPrefix("Database=") })?.dropFirst("Database=".count) else {
                throw Failure(.software, "no Database= in \(target.connectionString)")
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            // Holds the write lock until its stdin closes (`release`).
            process.arguments = ["-c", "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute('BEGIN IMMEDIATE')\nprint('held', flush=True)\nsys.stdin.read()", String(path)]
            let out = Pipe()
            process.standardOutput = out
            process.standardInput = input
            try process.run()
            _ = out.fileHandleForReading.availableData  // "held"
            python = process
        default:
            let (connection, dialect) = try ODBCConnection.open(target.connectionString)
            try connection.execute(dialect == .mariadb ? "LOCK TABLES \(dialect.quote(table)) WRITE" : "LOCK TABLE \(dialect.quote(table)) IN ACCESS EXCLUSIVE MODE")
            self.connection = connection
        }
    }

    func release() {
        if let connection {
            try? connection.execute("UNLOCK TABLES")  // MariaDB; PostgreSQL's lock goes with the rollback
            connection.rollback()
        }
        connection = nil
        if let python {
            try? input.fileHandleForWriting.close()
            python.waitUntilExit()
        }
        python = nil
    }

    deinit { release() }
}
