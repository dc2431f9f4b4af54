import ReportKit

/// One page of a list call.
public struct Page: Sendable {
    public var items: [RawItem]
    public var totalRows: Int?

    public init(items: [RawItem], totalRows: Int?) {
        self.items = items
        self.totalRows = totalRows
    }
}

/// Paging that cannot silently truncate (NCP's paging conventions): ask the first page, learn `totalRows`,
/// fetch the remaining pages concurrently (bounded), de-duplicate by id, probe a neighbouring
/// page when the base convention (0 or 1) turns out different, and fail with both numbers when
/// the count does not add up or the total changes between pages.
public struct Pager: Sendable {
    public var firstPage: Int
    public var pageSize: Int
    public var concurrency: Int
    public var idField: String?

    public init(firstPage: Int, pageSize: Int = 100, concurrency: Int = 4, idField: String?) {
        self.firstPage = firstPage
        self.pageSize = max(1, pageSize)
        self.concurrency = max(1, concurrency)
        self.idField = idField
    }

    /// More pages than this is a broken total, not a fleet.
    public static let maxPages = 100_000

    public typealias Fetch = @Sendable (_ pageNo: Int, _ pageSize: Int) async throws -> Page

    /// Emits each distinct item once, pages in order. Returns the number emitted.
    @discardableResult
    public func run(where target: String, fetch: @escaping Fetch, emit: (RawItem) throws -> Void) async throws -> Int {
        var seen = Set<String>()
        var emitted = 0
        func take(_ page: Page) throws -> Int {
            var added = 0
            for item in page.items where seen.insert(key(of: item)).inserted {
                try emit(item)
                added += 1
            }
            emitted += added
            return added
        }

        let first = try await fetch(firstPage, pageSize)
        _ = try take(first)
        guard let total = first.totalRows else {
            // No total to check against: keep paging until a page is empty or adds nothing new
            // (a short page is no proof of the end: the server may cap the page size).
            var pageNo = firstPage
            var last = first
            while !last.items.isEmpty, pageNo - firstPage < Pager.maxPages {
                pageNo += 1
                last = try await fetch(pageNo, pageSize)
                if try take(last) == 0 { break }
            }
            return emitted
        }

        // The server may cap the page size below what we asked for: learn it from page one.
        let perPage = first.items.isEmpty ? pageSize : min(pageSize, first.items.count)
        let pageCount = total <= 0 ? 0 : (total - 1) / perPage + 1
        guard pageCount <= Pager.maxPages else {
            throw Failure(.dataError, "totalRows \(total) is implausible: \(pageCount) pages of \(perPage)", at: target)
        }
        let rest = Array(stride(from: firstPage + 1, to: firstPage + max(pageCount, 1), by: 1))

        if emitted < total, !rest.isEmpty {
            try await fetchConcurrently(rest) { pageNo in
                try await fetch(pageNo, pageSize)
            } consume: { pageNo, page in
                try checkTotal(page, total, pageNo: pageNo, target: target)
                _ = try take(page)
            }
        }

        // Still short: the base convention may be off by one in either direction.
        var probes: [Int] = []
        if firstPage > 0 { probes.append(firstPage - 1) }
        probes.append(firstPage + max(pageCount, 1))
        for pageNo in probes where emitted < total {
            let page = try await fetch(pageNo, pageSize)
            try checkTotal(page, total, pageNo: pageNo, target: target)
            _ = try take(page)
        }

        guard emitted == total else {
            throw Failure(
                .dataError,
                "item count does not add up: totalRows says \(total), received \(emitted) distinct items",
                at: target)
        }
        return emitted
    }

    func checkTotal(_ page: Page, _ total: Int, pageNo: Int, target: String) throws {
        if let pageTotal = page.totalRows, pageTotal != total {
            throw Failure(
                .dataError, "totalRows changed between pages: \(total) on the first page, \(pageTotal) on page \(pageNo)",
                at: target)
        }
    }

    func key(of item: RawItem) -> String {
        if let idField, let id = item.field(idField), !id.isEmpty { return id }
        return item.text
    }

    func fetchConcurrently(
        _ pages: [Int], fetch: @escaping @Sendable (Int) async throws -> Page,
        consume: (Int, Page) throws -> Void
    ) async throws {
        try await Concurrently.forEach(pages, limit: concurrency, fetch) { index, page in try consume(pages[index], page) }
    }
}
