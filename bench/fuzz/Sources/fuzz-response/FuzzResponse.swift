import FuzzSupport
import NCPKit
import ReportKit

/// An NCP answer as ncp-fetch takes it in: `NCPClient.check` (errors without a tree),
/// `InventoryFetcher.extractPage` (the item list cut into compact items without a tree) and
/// `NCPClient.decode`, for every resource of the catalog on each platform.
///
/// Input: byte 0 picks the HTTP status, byte 1 the resource and platform; the rest is the body.
/// Besides crashes, it checks that every item of a page is one compact JSON value, and the
/// same value as the parser finds at that place in the body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let status = statuses[Int(input.byte()) % statuses.count]
    let spec = specs[Int(input.byte()) % specs.count]
    let response = HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: input.rest())

    _ = try? NCPClient.decode(response, target: "fuzz")
    guard let page = try? InventoryFetcher.extractPage(response, spec: spec, target: "fuzz") else { return 0 }
    require(page.totalRows.map { $0 >= 0 } ?? true, "a page with a negative totalRows")
    guard !page.items.isEmpty else { return 0 }
    // The parser's view of the same list: the response object (`spec.responseKey`, or the one
    // `…Response` member), then its last member named `spec.listKey` (extractPage lets a later
    // duplicate win). Only where no key can be escaped: the scanner compares raw keys.
    let tree = try? JSONParser.parse(response.body)
    require(tree != nil, "extractPage took items from a body the parser refuses")
    var list: [JSONValue]?
    if !response.body.contains(UInt8(ascii: "\\")), let tree {
        var container: JSONValue? = tree
        if spec.envelope == .action, let pairs = tree.objectValue?.pairs {
            container = pairs.first { $0.key == spec.responseKey }?.value
                ?? (pairs.count == 1 && pairs[0].key.count > 8 && pairs[0].key.hasSuffix("Response") ? pairs[0].value : nil)
        }
        list = container?.objectValue?.pairs.last { $0.key == spec.listKey }?.value.arrayValue
        require(list?.count == page.items.count, "extractPage found \(page.items.count) items, the parser \(list?.count ?? 0)")
    }
    for (index, item) in page.items.enumerated() {
        let value = try? item.parsed()
        require(value != nil, "item \(index) is not JSON: \(item.text.prefix(80))")
        require(value?.compactBytes == item.bytes || item.bytes.contains(UInt8(ascii: "\\")), "item \(index) is not compact")
        if let list { require(value == list[index], "item \(index) differs from the parser's") }
    }
    return 0
}

let statuses = [200, 200, 200, 200, 200, 200, 204, 400, 401, 403, 404, 429, 500, 503]

let specs: [ResourceSpec] = ResourceCatalog.all.flatMap { $0.specs.map(\.spec) }
