import Foundation
import Testing
import ReportKit
@testable import LoadKit

/// ncp-load's work as a kit call: a stream in one transaction into the database the settings
/// name, the SQLite file's folder made, nothing kept from a stream that fails.
struct LoadJobTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loadjob-\(UUID().uuidString)").path

    func reader(_ lines: [String]) throws -> NDJSONReader {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = "\(dir)/in-\(UUID().uuidString).ndjson"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return try NDJSONReader(path: path)
    }

    func job(_ database: String, partition: [(column: String, value: String)] = []) throws -> LoadJob {
        var options = LoadOptions(table: "vpc_server")
        options.partition = partition
        options.requireTrailer = true
        let settings = try ConnectionSettings.resolve(string: nil, file: nil, dsn: nil, db: database, database: "unused.sqlite", environment: [:])
        var job = LoadJob(options: options, settings: settings, timeouts: DatabaseTimeouts(connect: 10, statement: 60, lock: 10))
        job.announces = false
        return job
    }

    @Test func aCompleteStreamLoadsIntoANewFolderAndAFailingOneLeavesTheSliceAsItWas() throws {
        let database = "\(dir)/nested/folder/report.sqlite"
        let target = DatabaseTarget(name: "sqlite", connectionString: "Driver={SQLite3};Database=\(database);")
        let first = try job(database, partition: [("period", "2026-10")]).load(try reader([
            #"{"serverInstanceNo":"1","serverName":"웹"}"#, #"{"serverInstanceNo":"2","serverName":"db"}"#,
            #"{"_trailer":{"items":2,"complete":true}}"#,
        ]))
        #expect(first.rows == 2 && first.createdTable)
        #expect(try rows(#"SELECT "serverName" FROM "vpc_server" ORDER BY "serverInstanceNo""#, target) == [["웹"], ["db"]])
        // A stream without its trailer replaces nothing: the earlier slice stays.
        #expect(throws: Failure.self) {
            try job(database, partition: [("period", "2026-10")]).load(try reader([#"{"serverInstanceNo":"3","serverName":"new"}"#]))
        }
        #expect(try rows(#"SELECT COUNT(*) FROM "vpc_server""#, target) == [["2"]])
    }
}
