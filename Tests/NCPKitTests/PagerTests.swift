import Testing
@testable import NCPKit
import ReportKit

/// A fake list API: `items` ids 1...n, served with a base and a page-size cap.
struct FakeListAPI: Sendable {
    var ids: [Int]
    var base = 1
    var cap = 1000
    /// totalRows reported from page index `change.after` on (to test a total that moves).
    var change: (after: Int, total: Int)? = nil
    var reportedTotal: Int? = nil

    func page(_ pageNo: Int, _ size: Int) -> Page {
        let effective = min(size, cap)
        let index = max(pageNo - base, 0)
        let start = min(index * effective, ids.count)
        let slice = ids[start..<min(start + effective, ids.count)]
        var total = reportedTotal ?? ids.count
        if let change, index >= change.after { total = change.total }
        return Page(items: slice.map { RawItem(["id": .string(String($0))]) }, totalRows: total)
    }
}

struct PagerTests {
    func run(_ api: FakeListAPI, firstPage: Int = 1, pageSize: Int = 10, concurrency: Int = 3) async throws -> [String] {
        var out: [String] = []
        let pager = Pager(firstPage: firstPage, pageSize: pageSize, concurrency: concurrency, idField: "id")
        try await pager.run(where: "GET /test", fetch: { api.page($0, $1) }, emit: { out.append($0.field("id")!) })
        return out
    }

    @Test(arguments: [0, 1, 10, 11, 25, 100])
    func everyItemOnceInOrder(_ count: Int) async throws {
        let ids = Array(1...max(count, 1)).prefix(count).map { $0 }
        let out = try await run(FakeListAPI(ids: Array(ids)))
        #expect(out == ids.map(String.init))
    }

    @Test func zeroBasedServerWithOneBasedGuessIsStillComplete() async throws {
        let out = try await run(FakeListAPI(ids: Array(1...35), base: 0), firstPage: 1)
        #expect(Set(out) == Set((1...35).map(String.init)))
        #expect(out.count == 35)
    }

    @Test func oneBasedServerWithZeroBasedGuessIsStillComplete() async throws {
        // A 1-based server treats page 0 like page 1: the pager de-duplicates and probes on.
        let out = try await run(FakeListAPI(ids: Array(1...35), base: 1), firstPage: 0)
        #expect(out == (1...35).map(String.init))
    }

    @Test func serverCapBelowRequestedPageSizeIsLearned() async throws {
        let out = try await run(FakeListAPI(ids: Array(1...250), cap: 40), pageSize: 100)
        #expect(out == (1...250).map(String.init))
    }

    @Test func duplicatesAcrossPagesAreDroppedAndCounted() async throws {
        // ids repeat across a page boundary; totalRows counts distinct items.
        var api = FakeListAPI(ids: [1, 2, 3, 3, 4, 5])
        api.reportedTotal = 5
        let out = try await run(api, pageSize: 3)
        #expect(out == ["1", "2", "3", "4", "5"])
    }

    @Test func aTotalThatChangesBetweenPagesFailsWithBothNumbers() async throws {
        var api = FakeListAPI(ids: Array(1...30))
        api.change = (after: 2, total: 31)
        await #expect {
            _ = try await run(api)
        } throws: { error in
            let failure = error as? Failure
            return failure?.exitStatus == .dataError && failure!.message.contains("30") && failure!.message.contains("31")
        }
    }

    @Test func aCountThatDoesNotAddUpFailsWithBothNumbers() async throws {
        var api = FakeListAPI(ids: Array(1...20))
        api.reportedTotal = 23
        await #expect {
            _ = try await run(api)
        } throws: { error in
            guard let failure = error as? Failure else { return false }
            return failure.exitStatus == .dataError && failure.message.contains("23") && failure.message.contains("20")
        }
    }

    @Test func noTotalPagesUntilShort() async throws {
        let out = try await {
            var result: [String] = []
            let pager = Pager(firstPage: 1, pageSize: 10, idField: "id")
            try await pager.run(where: "t", fetch: { pageNo, size in
                var page = FakeListAPI(ids: Array(1...25)).page(pageNo, size)
                page.totalRows = nil
                return page
            }, emit: { result.append($0.field("id")!) })
            return result
        }()
        #expect(out.count == 25)
    }

    @Test func extractsItemsFromTheActionEnvelope() throws {
        let spec = ResourceCatalog.named("server")!.spec(for: .vpc)!
        func page(_ text: String) throws -> Page {
            try InventoryFetcher.extractPage(HTTPResponse(status: 200, body: Array(text.utf8)), spec: spec, target: "t")
        }
        let one = try page(#"{"getServerInstanceListResponse":{"requestId":"x","returnCode":"0","totalRows":1,"serverInstanceList":[ {"serverInstanceNo" : "1", "n": "a b"} ]}}"#)
        #expect(one.totalRows == 1)
        #expect(one.items.map(\.text) == [#"{"serverInstanceNo":"1","n":"a b"}"#])
        #expect(one.items.first?.field("serverInstanceNo") == "1")
        #expect(try page(#"{"getServerInstanceListResponse":{"returnCode":"0","totalRows":0}}"#).items.isEmpty)
        #expect(throws: Failure.self) { try page(#"{"something":[]}"#) }
        #expect(throws: Failure.self) { try page(#"{"getServerInstanceListResponse":{"totalRows":2,"serverInstanceList":[{"a":1},]}}"#) }
        #expect { try page(#"{"getServerInstanceListResponse":{"returnCode":"1300","returnMessage":"nope"}}"#) } throws: {
            ($0 as? NCPError)?.returnMessage == "nope"
        }
        #expect { try page(#"{"responseError":{"returnCode":"802","returnMessage":"denied"}}"#) } throws: {
            ($0 as? NCPError)?.exitStatus == .noPermission
        }
    }
}

/// Regressions found in review: streams that could end "complete" while cut short, and crashes.
struct PagerReviewTests {
    let spec = ResourceCatalog.named("server")!.spec(for: .vpc)!

    func page(_ text: String) throws -> Page {
        try InventoryFetcher.extractPage(HTTPResponse(status: 200, body: Array(text.utf8)), spec: spec, target: "t")
    }

    @Test(arguments: [
        #"{"getServerInstanceListResponse":{"returnCode":"0","serverInstanceLists":[{"a":1}]}}"#,  // renamed list, no total
        #"{"getServerInstanceListResponse":{"returnCode":"0","totalRows":null,"serverInstanceList":[]}}"#,
        #"{"getServerInstanceListResponse":{"returnCode":"0","totalRows":"12 ","serverInstanceList":[]}}"#,
        #"{"getServerInstanceListResponse":{"returnCode":"0","totalRows":0,"serverInstanceList":[]}} trailing"#,
        "{\"getServerInstanceListResponse\":{\"returnCode\":\"0\",\"totalRows\":1,\"serverInstanceList\":[{\"n\":\"a\u{FF}\"}]}}",
        #"{"getServerInstanceListResponse":{"returnCode":"802","returnMessage":"denied"},"x":1}"#,
        #"{"error":"gateway said no"}"#,
    ])
    func malformedOrFailedPagesAreErrorsNotEmptyLists(_ body: String) {
        var bytes = Array(body.utf8)
        if let index = bytes.firstIndex(of: 0xC3), bytes[index + 1] == 0xBF { bytes.replaceSubrange(index...(index + 1), with: [0xFF]) }
        #expect(throws: (any Error).self) {
            _ = try InventoryFetcher.extractPage(HTTPResponse(status: 200, body: bytes), spec: spec, target: "t")
        }
    }

    @Test func withoutATotalAShortPageIsNotTheEnd() async throws {
        var out: [String] = []
        let pager = Pager(firstPage: 1, pageSize: 1000, idField: "id")
        try await pager.run(where: "t", fetch: { pageNo, size in
            var page = FakeListAPI(ids: Array(1...250), cap: 100).page(pageNo, size)
            page.totalRows = nil
            return page
        }, emit: { out.append($0.field("id")!) })
        #expect(out.count == 250)
    }

    @Test func anImplausibleTotalIsAnErrorNotACrash() async {
        var broken = FakeListAPI(ids: [1, 2])
        broken.reportedTotal = Int.max
        let api = broken
        await #expect {
            let pager = Pager(firstPage: 1, pageSize: 2, idField: "id")
            try await pager.run(where: "t", fetch: { api.page($0, $1) }, emit: { _ in })
        } throws: { ($0 as? Failure)?.exitStatus == .dataError }
    }
}
