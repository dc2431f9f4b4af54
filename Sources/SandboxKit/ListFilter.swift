import ReportKit

/// The list APIs' documented filters, one mechanism for all of them instead of code per API
/// (NCP's list APIs: `serverInstanceNoList.N`, `vpcNo`, `productCode`, …):
/// - `xxxList.N=v` keeps the items whose `xxx` is one of the values, on the item itself or on
///   one of its nodes (`cloudMysqlServerInstanceNoList.N` matches a Cloud DB by its servers);
/// - a single `…No` or `…Code` parameter, or the catalog's id field, keeps the items whose
///   field equals it (`getVpcList?vpcNo=…`, `getProductList?productCode=…`).
/// A parameter that names no field of the items (`serverImageProductCode` on a product list,
/// `platformTypeCodeList.N`) is not a filter the sandbox models and changes nothing.
enum ListFilter {
    /// Parameters that select pages, regions or formats, never items.
    static let notFilters: Set<String> = ["pageNo", "pageSize", "regionCode", "regionNo", "responseFormatType", "sortedBy", "sortingOrder"]

    static func apply(_ items: [JSONValue], params: [(key: String, value: String)], idField: String?) -> [JSONValue] {
        var wanted: [(field: String, values: Set<String>)] = []
        func add(_ field: String, _ value: String) {
            if let at = wanted.firstIndex(where: { $0.field == field }) { wanted[at].values.insert(value) } else { wanted.append((field, [value])) }
        }
        for (key, value) in params where !notFilters.contains(key) {
            if let dot = key.lastIndex(of: "."), !key[key.index(after: dot)...].isEmpty,
                key[key.index(after: dot)...].allSatisfy(\.isNumber), key[..<dot].hasSuffix("List") {
                add(String(key[..<dot].dropLast(4)), value)
            } else if key == idField || key.hasSuffix("No") || key.hasSuffix("Code") {
                add(key, value)
            }
        }
        var result = items
        for (field, values) in wanted where items.contains(where: { !found(field, in: $0).isEmpty }) {
            result = result.filter { !values.isDisjoint(with: found(field, in: $0)) }
        }
        return result
    }

    /// The values of `field` on an item and on the objects of its lists (its nodes).
    static func found(_ field: String, in item: JSONValue) -> Set<String> {
        guard let object = item.objectValue else { return [] }
        var result = Set<String>()
        for (key, value) in object.pairs {
            if key == field, let text = value.scalarText {
                result.insert(text)
            } else if let nodes = value.arrayValue {
                result.formUnion(nodes.compactMap { $0[field]?.scalarText })
            }
        }
        return result
    }
}
