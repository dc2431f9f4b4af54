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

    func count(_ table: String, _ target: DatabaseTarget, customer: String = "alpha") throws -> [[String?]] {
        try rows(#"SELECT count(*), count(DISTINCT "serverInstanceNo") FROM "\#(table)" WHERE "period" = '2026-10' AND "customer" = '\#(customer)'"#, target)
    }

    @Test(arguments: DatabaseTarget.all)
    func twoLoadsOfOneSliceAtOnceLeaveItOnce(_ target: DatabaseTarget) throws {
        let input = try inputFile(rows: 20_000)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let existing = uniqueTable("race_existing")
        for round in 1...3 {
            // A table neither process finds (both want to create it), then one they both find.
            for table in [uniqueTable("race_fresh"), existing] {
                let loads = try (0..<2).map { _ in
                    try LoadProcess(["--table", table, "--input", input] + Self.slice, connectionString: target.connectionString, via: target.via)
                }
                for result in loads.map({ $0.wait() }) {
                    #expect(result.status == 0, "round \(round), \(table): \(result.stderr)")
                }
                #expect(try count(table, target) == [["20000", "20000"]], "round \(round), \(table)")
            }
        }
    }

    @Test(arguments: DatabaseTarget.all)
    func aLoadKilledMidStreamLeavesTheSliceAsItWasAndNoLockBehind(_ target: DatabaseTarget) throws {
        let table = uniqueTable("killed")
        let first = try inputFile(rows: 100)
        let second = try inputFile(rows: 30_000, from: 1_000)
        defer { for file in [first, second] { try? FileManager.default.removeItem(atPath: file) } }
        let loaded = try LoadProcess(["--table", table, "--input", first] + Self.slice, connectionString: target.connectionString, via: target.via).wait()
        #expect(loaded.status == 0, "\(loaded.stderr)")
        // Its DELETE and thousands of rows are in the database, uncommitted, when it dies.
        let text = try String(contentsOfFile: second, encoding: .utf8)
        let killed = try LoadProcess(["--table", table, "--batch-size", "1000"] + Self.slice, connectionString: target.connectionString, via: target.via,
                                     keepInputOpen: true)
        killed.write(text)
        usleep(1_500_000)
        kill(killed.process.processIdentifier, SIGKILL)
        #expect(killed.wait().status == -9 || killed.process.terminationReason == .uncaughtSignal)
        #expect(try count(table, target) == [["100", "100"]])
        // The next load of the slice neither waits for the dead one nor finds its rows.
        let next = try LoadProcess(["--table", table, "--input", first, "--lock-timeout", "5"] + Self.slice, connectionString: target.connectionString,
                                   via: target.via).wait()
        #expect(next.status == 0 && next.seconds < 5, "\(next.stderr)")
        #expect(try count(table, target) == [["100", "100"]])
    }

    @Test(arguments: DatabaseTarget.all)
    func twoSlicesCreatingOneTableAtOnceBothLoad(_ target: DatabaseTarget) throws {
        // bravo's rows carry a field alpha's lack: whoever comes second adds a column to the
        // table the first created, rather than failing to create it again.
        let alpha = try inputFile(rows: 10_000)
        let bravo = try inputFile(rows: 10_000, extra: #","fabric":{"poolNo":"7"}"#)
        defer { for file in [alpha, bravo] { try? FileManager.default.removeItem(atPath: file) } }
        for round in 1...3 {
            let table = uniqueTable("race_slices")
            let loads = try [("alpha", alpha), ("bravo", bravo)].map { customer, input in
                try LoadProcess(["--table", table, "--input", input, "--partition", "period=2026-10", "--partition", "customer=\(customer)"],
                                connectionString: target.connectionString, via: target.via)
            }
            for result in loads.map({ $0.wait() }) {
                #expect(result.status == 0, "round \(round): \(result.stderr)")
            }
            #expect(try count(table, target, customer: "alpha") == [["10000", "10000"]], "round \(round)")
            #expect(try count(table, target, customer: "bravo") == [["10000", "10000"]], "round \(round)")
            #expect(try rows(#"SELECT count("fabric_poolNo") FROM "\#(table)""#, target) == [["10000"]])
        }
    }

    @Test(arguments: DatabaseTarget.all)
    func twoSlicesAddingOneColumnAtOnceBothLoad(_ target: DatabaseTarget) throws {
        // Both find the table, both read it, both need the same new column: the second waits for
        // the first's ALTER without holding anything the first waits for (no deadlock), then finds
        // the column there.
        let table = uniqueTable("race_columns")
        try load([#"{"serverInstanceNo":"0"}"#], into: target) { $0.table = table; $0.partition = [("period", "2026-09"), ("customer", "alpha")] }
        let input = try inputFile(rows: 10_000, extra: #","fabric":{"poolNo":"7"}"#)
        defer { try? FileManager.default.removeItem(atPath: input) }
        for round in 1...3 {
            let loads = try ["alpha", "bravo"].map { customer in
                try LoadProcess(["--table", table, "--input", input, "--partition", "period=2026-1\(round)", "--partition", "customer=\(customer)"],
                                connectionString: target.connectionString, via: target.via)
            }
            for result in loads.map({ $0.wait() }) {
                #expect(result.status == 0, "round \(round): \(result.stderr)")
            }
        }
        #expect(try rows(#"SELECT count(*), count("fabric_poolNo") FROM "\#(table)""#, target) == [["60001", "60000"]])
    }

    @Test(arguments: DatabaseTarget.all)
    func aLoadWaitingForItsSliceGivesUpAfterTheLockTimeout(_ target: DatabaseTarget) throws {
        let table = uniqueTable("held")
        let arguments = ["--table", table] + Self.slice
        try load([#"{"serverInstanceNo":"0"}"#], into: target) { $0.table = table; $0.partition = [("period", "2026-10"), ("customer", "alpha")] }
        // The first load holds the slice while it waits for the rest of its input.
        let holder = try LoadProcess(arguments, connectionString: target.connectionString, via: target.via,
                                     stdin: #"{"serverInstanceNo":"1"}"# + "\n", keepInputOpen: true)
        usleep(2_000_000)
        let waiter = try LoadProcess(arguments + ["--lock-timeout", "2"], connectionString: target.connectionString, via: target.via,
                                     stdin: #"{"serverInstanceNo":"2"}"# + "\n")
        let waited = waiter.wait(seconds: 60)
        #expect(waited.status == 75, "\(waited.stderr)")
        #expect(waited.stderr.contains("--lock-timeout") && waited.stderr.contains(table), "\(waited.stderr)")
        #expect(waited.stderr.split(separator: "\n").count == 1, "\(waited.stderr)")
        #expect(waited.seconds > 1.5 && waited.seconds < 15, "waited \(waited.seconds) s")
        holder.write(#"{"serverInstanceNo":"3"}"# + "\n")
        try holder.finishInput()
        let held = holder.wait(seconds: 60)
        #expect(held.status == 0, "\(held.stderr)")
        #expect(try rows(#"SELECT "serverInstanceNo" FROM "\#(table)" ORDER BY 1"#, target) == [["1"], ["3"]])
    }

    /// A row another transaction inserted and has not committed, under a unique key: the load's
    /// row waits for it inside the insert (PostgreSQL: inside COPY on the native path) and gives
    /// up after --lock-timeout, a timeout (75), not a refused row (65).
    @Test(arguments: DatabaseTarget.all.filter { $0.name == "postgresql" })
    func aRowWaitingOnAnotherTransactionsKeyGivesUpAsALockTimeout(_ target: DatabaseTarget) throws {
        let table = uniqueTable("keyed")
        try load([#"{"id":"1"}"#], into: target) { $0.table = table; $0.keys = ["id"] }  // the unique index
        let (holder, _) = try ODBCConnection.open(target.connectionString)
        try holder.execute(#"INSERT INTO "\#(table)" ("id") VALUES ('5')"#)  // uncommitted
        defer { holder.rollback() }
        let waiter = try LoadProcess(["--table", table, "--lock-timeout", "2"], connectionString: target.connectionString, via: target.via,
                                     stdin: #"{"id":"4"}"# + "\n" + #"{"id":"5"}"# + "\n")
        let waited = waiter.wait(seconds: 40)
        #expect(waited.status == 75, "\(waited.stderr)")
        #expect(waited.stderr.contains("--lock-timeout"), "\(waited.stderr)")
    }

    /// Another transaction (a DBA's, a report query's) holding the table: the load gives up after
    /// --lock-timeout instead of waiting for ever.
    @Test(arguments: DatabaseTarget.all)
    func aLoadBehindAnotherTransactionsLockGivesUpInsteadOfHanging(_ target: DatabaseTarget) throws {
        let table = uniqueTable("locked")
        try load([#"{"serverInstanceNo":"0"}"#], into: target) { $0.table = table; $0.partition = [("period", "2026-10"), ("customer", "alpha")] }
        let holder = try TableLockHolder(table, target)
        defer { holder.release() }
        let waiter = try LoadProcess(["--table", table, "--lock-timeout", "2"] + Self.slice, connectionString: target.connectionString, via: target.via,
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
                                     connectionString: target.connectionString, via: target.via, stdin: #"{"serverInstanceNo":"2"}"# + "\n")
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
