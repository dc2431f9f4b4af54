import Foundation
import ReportKit

/// Lists one catalog resource for one platform and region(s), printing one NDJSON line per
/// item: NCP's fields as sent, then the provenance fields.
public struct InventoryFetcher: Sendable {
    public struct Options: Sendable {
        public var platform: Platform
        public var site: Site
        /// A region code, or nil for "all" (walk getRegionList).
        public var region: String?
        public var customer: String?
        public var parameters: [(key: String, value: String)]
        public var pageSize: Int
        public var concurrency: Int
        public var fetchedAt: String

        public init(
            platform: Platform, site: Site, region: String?, customer: String? = nil,
            parameters: [(key: String, value: String)] = [], pageSize: Int = 100, concurrency: Int = 4,
            fetchedAt: String
        ) {
            self.platform = platform
            self.site = site
            self.region = region
            self.customer = customer
            self.parameters = parameters
            self.pageSize = pageSize
            self.concurrency = concurrency
            self.fetchedAt = fetchedAt
        }
    }

    /// What happened in each region (`--region all` carries on past a failing region).
    public struct Outcome: Sendable {
        public var items = 0
        public var failures: [(region: String, error: any Error)] = []
    }

    public let client: NCPClient
    public let regions: RegionDirectory

    public init(client: NCPClient) {
        self.client = client
        self.regions = RegionDirectory(client: client)
    }

    public func fetch(
        _ resource: Resource, options: Options, emit: @escaping ([UInt8]) throws -> Void
    ) async throws -> Outcome {
        guard let spec = resource.spec(for: options.platform) else {
            let available = resource.platforms.map(\.rawValue).joined(separator: ", ")
            throw Failure(.usage, "\(resource.name) does not exist on \(options.platform.rawValue) (only: \(available))", at: "--platform")
        }
        var outcome = Outcome()
        if spec.region == .global {
            outcome.items = try await fetchRegion(resource, spec, region: nil, options: options, emit: emit)
            return outcome
        }
        let codes: [String]
        if let region = options.region {
            codes = [region]
        } else {
            codes = try await regions.regions(options.platform).map(\.code)
            Log.shared.info("walking regions", ["regions": codes.joined(separator: ",")])
        }
        for code in codes {
            do {
                outcome.items += try await fetchRegion(resource, spec, region: code, options: options, emit: emit)
            } catch let error where options.region == nil && !(error is BrokenPipe) && !(error is CancellationError) {
                Log.shared.error(error, ["region": code, "resource": resource.name])
                outcome.failures.append((code, error))
            }
        }
        return outcome
    }

    func fetchRegion(
        _ resource: Resource, _ spec: ResourceSpec, region: String?, options: Options, emit: @escaping ([UInt8]) throws -> Void
    ) async throws -> Int {
        var base: [(key: String, value: String)] = []
        var path = spec.path
        var headers: [(name: String, value: String)] = []
        switch (spec.region, region) {
        case (.code, let code?): base.append(("regionCode", code))
        case (.number, let code?): base.append(("regionNo", try await regions.classicNumber(for: code)))
        case (.nksPath, let code?):
            path = InventoryFetcher.nksPath(spec.path, region: code)
            headers.append(("x-ncp-region_code", code))
        default: break
        }
        base.append(contentsOf: options.parameters)
        // Provenance is the same for every item of this call: render it once and splice it in.
        let suffix = RawItem.suffix(provenanceFields(resource, region: region, options: options))
        let decorate: (RawItem) throws -> Void = { item in try emit(RawItem.splice(item.bytes, suffix)) }
        let variants: [[(key: String, value: String)]] =
            spec.fanOut.map { fan in fan.values.map { [(fan.parameter, $0)] } } ?? [[]]
        var count = 0
        for variant in variants {
            let parameters = base + variant
            let target = "\(spec.method) \(path)"
            let body = spec.jsonBody.map { Array($0.utf8) }
            let client = self.client
            let path = path, headers = headers
            let fetchPage: Pager.Fetch = { pageNo, pageSize in
                var query = parameters
                if spec.paging != .none {
                    query.append(("pageNo", String(pageNo)))
                    query.append(("pageSize", String(pageSize)))
                }
                let response = try await client.send(method: spec.method, path: path, query: query, body: body, headers: headers)
                return try InventoryFetcher.extractPage(response, spec: spec, target: target)
            }
            let pager = Pager(
                firstPage: spec.paging.assumedBase, pageSize: options.pageSize, concurrency: options.concurrency,
                idField: spec.idField)
            if spec.paging == .none {
                let page = try await fetchPage(0, options.pageSize)
                var seen = Set<String>()
                for item in page.items where seen.insert(pager.key(of: item)).inserted {
                    try decorate(item)
                    count += 1
                }
                if let total = page.totalRows, total != seen.count {
                    throw Failure(.dataError, "item count does not add up: totalRows says \(total), received \(seen.count) distinct items", at: target)
                }
            } else {
                count += try await pager.run(where: target, fetch: fetchPage, emit: decorate)
            }
        }
        Log.shared.info("fetched", ["resource": resource.name, "region": region ?? "-", "items": "\(count)"])
        return count
    }

    func provenanceFields(_ resource: Resource, region: String?, options: Options) -> [(key: String, value: JSONValue)] {
        var fields: [(key: String, value: JSONValue)] = [
            ("_resource", .string(resource.name)),
            ("_platform", .string(options.platform.rawValue)),
            ("_region", region.map { .string($0) } ?? .null),
            ("_site", .string(options.site.rawValue)),
        ]
        if let customer = options.customer { fields.append(("_customer", .string(customer))) }
        fields.append(("_fetchedAt", .string(options.fetchedAt)))
        return fields
    }

    /// NKS names its region in the path: /vnks/v2 (KR), /vnks/sgn-v2, /vnks/jpn-v2, /vnks/krs-v2.
    public static func nksPath(_ path: String, region: String) -> String {
        let upper = region.uppercased()
        guard upper != "KR", path.hasPrefix("/vnks/v2") else { return path }
        return "/vnks/\(upper.lowercased())-v2" + path.dropFirst("/vnks/v2".count)
    }

    /// Finds the item list in a response (NCP's response envelope, or a bare object) and cuts it
    /// into compact items without building a tree; NCP errors are raised first.
    public static func extractPage(_ response: HTTPResponse, spec: ResourceSpec, target: String) throws -> Page {
        try NCPClient.check(response, target: target)
        return try response.body.withUnsafeBufferPointer { buffer throws -> Page in
            let scanner = JSONScanner(buffer)
            func shape(_ reason: String) -> Failure { Failure(.dataError, "unexpected response shape: \(reason)", at: target) }
            var container = 0..<buffer.count
            do {
                if spec.envelope == .action {
                    var found: Range<Int>?
                    var members = 0
                    var onlyResponse: Range<Int>?
                    try scanner.forEachMember(of: container) { key, value in
                        members += 1
                        if JSONScanner.equals(key, spec.responseKey) { found = value; return false }
                        if key.count > 8, key.suffix(8).elementsEqual("Response".utf8) { onlyResponse = value }
                        return true
                    }
                    guard let range = found ?? (members == 1 ? onlyResponse : nil) else { throw shape("no \(spec.responseKey) object") }
                    container = range
                }
                var totalRows: Int?
                var totalText: String?
                var list: Range<Int>?
                try scanner.forEachMember(of: container) { key, value in
                    if JSONScanner.equals(key, "totalRows") {
                        var text = String(decoding: UnsafeBufferPointer(rebasing: buffer[value]), as: UTF8.self)
                        if text.hasPrefix("\"") { text = String(text.dropFirst().dropLast()) }
                        totalText = text
                        totalRows = Int(text)
                    } else if JSONScanner.equals(key, spec.listKey) {
                        list = value
                    }
                    return true
                }
                if let totalText, totalRows == nil || totalRows! < 0 {
                    throw shape("totalRows is not a count: \(totalText.prefix(40))")
                }
                guard let list else {
                    // Only an explicit total of 0 may stand for an empty list; a renamed list must not.
                    if totalRows == 0 { return Page(items: [], totalRows: 0) }
                    throw shape("no \(spec.listKey) list")
                }
                if buffer[list.lowerBound] == UInt8(ascii: "n") { return Page(items: [], totalRows: totalRows) }
                guard buffer[list.lowerBound] == UInt8(ascii: "[") else { throw shape("\(spec.listKey) is not a list") }
                var items: [RawItem] = []
                try scanner.forEachElement(of: list) { element in
                    var bytes = [UInt8]()
                    bytes.reserveCapacity(element.count)
                    scanner.appendCompact(element, to: &bytes)
                    items.append(RawItem(bytes: bytes))
                }
                return Page(items: items, totalRows: totalRows)
            } catch let error as JSONParseError {
                throw Failure(.dataError, "unexpected response: not JSON: \(error)", at: target)
            }
        }
    }
}
