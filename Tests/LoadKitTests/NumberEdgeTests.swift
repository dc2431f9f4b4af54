import Foundation
import Testing
import ReportKit
@testable import LoadKit

/// Numbers at and beyond the edges of BIGINT: loaded exactly, or refused with line and column,
/// never wrapped and never a trap.
@Suite(.serialized)
struct NumberEdgeTests {
    @Test(arguments: DatabaseTarget.all)
    func theExtremesOfBigintLoadExactly(_ target: DatabaseTarget) throws {
        let table = uniqueTable("extremes")
        try load([#"{"id":"min","n":-9223372036854775808}"#, #"{"id":"max","n":9223372036854775807}"#, #"{"id":"zero","n":-0}"#], into: target) { $0.table = table }
        #expect(try rows(#"SELECT "id", "n" FROM "\#(table)" ORDER BY "id""#, target)
            == [["max", "9223372036854775807"], ["min", "-9223372036854775808"], ["zero", "0"]])
    }

    @Test(arguments: DatabaseTarget.all)
    func anIntegerBeyondBigintIsRefusedByAnIntegerColumnNotWrapped(_ target: DatabaseTarget) throws {
        let table = uniqueTable("beyond")
        try execute(#"CREATE TABLE "\#(table)" ("id" \#(target.name == "mariadb" ? "VARCHAR(20)" : "TEXT"), "n" INTEGER)"#, on: target)
        #expect {
            try load([#"{"id":"1","n":1}"#, #"{"id":"2","n":99999999999999999999}"#], into: target) { $0.table = table }
        } throws: { error in
            guard let failure = error as? Failure else { return false }
            return failure.exitStatus == .dataError && failure.message.hasPrefix("line 2: column n") && failure.message.contains("99999999999999999999")
        }
        #expect(try rows(#"SELECT count(*) FROM "\#(table)""#, target) == [["0"]])
    }
}
