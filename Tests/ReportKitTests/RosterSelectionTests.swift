import ReportKit
import Testing

/// `--customer` and `--shard`: which customers of a roster a run takes (kv-get --roster and
/// ncp-report share this).
struct RosterSelectionTests {
    static let roster = ["delta", "alpha", "charlie", "bravo", "echo"].map {
        RosterEntry(customerID: $0, customerType: "pri", accessKey: "KEY-\($0)")
    }

    @Test func customersKeepRosterOrderAndAllIsTheDefault() throws {
        #expect(try RosterSelection.customers([], from: Self.roster) == Self.roster)
        #expect(try RosterSelection.customers(["echo", "alpha"], from: Self.roster).map(\.customerID) == ["alpha", "echo"])
        #expect(try RosterSelection.customers(["alpha", "alpha"], from: Self.roster).map(\.customerID) == ["alpha"])
    }

    @Test func anUnknownCustomerIs66NamingTheRosterWhenKnown() {
        do {
            _ = try RosterSelection.customers(["alpha", "zulu"], from: Self.roster, source: "roster.ndjson")
            Issue.record("expected a failure")
        } catch {
            #expect(error.exitStatus == .noInput && error.line == "customer 'zulu' is not in the roster (roster.ndjson)")
        }
        do {
            _ = try RosterSelection.customers(["zulu"], from: Self.roster)
            Issue.record("expected a failure")
        } catch {
            #expect(error.line == "customer 'zulu' is not in the roster")
        }
    }

    @Test func shardsTileTheRosterInIdOrder() throws {
        let legs = try (0..<3).map { try RosterSelection.shard(RosterShard("\($0)/3"), of: Self.roster).map(\.customerID) }
        #expect(legs == [["alpha", "delta"], ["bravo", "echo"], ["charlie"]])
        #expect(try RosterSelection.shard(RosterShard("0/1"), of: Self.roster).map(\.customerID) == ["alpha", "bravo", "charlie", "delta", "echo"])
        #expect(try RosterSelection.shard(RosterShard("6/7"), of: Self.roster).isEmpty)
    }

    @Test(arguments: ["3/3", "-1/3", "0/0", "1", "a/b", "1/2/3", "", "/"])
    func aShardIsIOverNWithIBelowN(text: String) {
        do {
            _ = try RosterShard(text)
            Issue.record("'\(text)' accepted")
        } catch {
            #expect(error.exitStatus == .usage && error.message == "--shard must be I/N with 0 <= I < N, e.g. 0/3")
        }
    }

    @Test func aShardReadsItsNumbers() throws {
        #expect(try RosterShard("2/5") == RosterShard(index: 2, count: 5))
    }
}
