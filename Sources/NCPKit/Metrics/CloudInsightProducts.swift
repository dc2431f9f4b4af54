import ReportKit

/// Cloud Insight product keys (`cw_key`): looked up once per run with the schema list call,
/// falling back to the keys the documentation gives per site (NCP's Cloud Insight documentation).
public actor CloudInsightProducts {
    public static let schemaPath = "/cw_fea/real/cw/api/schema/system/list"

    public static func documentedKey(_ product: MetricProduct, site: Site) -> String? {
        switch (site, product) {
        case (.public, .serverVPC): return "460438474722512896"
        case (.public, .serverClassic): return "769533687317532672"
        case (.public, .mysqlVPC): return "470208511578607616"
        case (.gov, .serverVPC): return "567435234753253376"
        case (.gov, .serverClassic): return "769530112713560064"
        case (.gov, .mysqlVPC): return "577579580831961088"
        case (.fin, _): return nil
        }
    }

    private let client: NCPClient
    private let site: Site
    /// One lookup per run, shared by every instance that asks while it is in flight.
    private var lookup: Task<[String: String], Never>?

    public init(client: NCPClient, site: Site) {
        self.client = client
        self.site = site
    }

    public func key(for product: MetricProduct) async throws -> String {
        if lookup == nil {
            let client = self.client
            lookup = Task {
                do {
                    let list = try await client.call(method: "GET", path: CloudInsightProducts.schemaPath)
                    var found: [String: String] = [:]
                    for entry in list.arrayValue ?? [] {
                        guard let name = entry["prodName"]?.stringValue, let key = entry["cw_key"]?.scalarText else { continue }
                        found[CloudInsightProducts.normalise(name)] = key
                    }
                    return found
                } catch {
                    Log.shared.warning("cannot read the Cloud Insight product list; using the documented keys", ["error": "\(error)"])
                    return [:]
                }
            }
        }
        let keys = await lookup!.value
        if let key = keys[CloudInsightProducts.normalise(product.rawValue)] { return key }
        if let key = CloudInsightProducts.documentedKey(product, site: site) { return key }
        throw Failure(.config, "no Cloud Insight product key for \(product.productName) on the \(site.rawValue) site")
    }

    /// `System/Server(VPC)`, `Server(VPC)` and `server (vpc)` are the same product.
    static func normalise(_ name: String) -> String {
        var text = name.lowercased().replacingOccurrences(of: " ", with: "")
        if text.hasPrefix("system/") { text.removeFirst("system/".count) }
        return text
    }
}
