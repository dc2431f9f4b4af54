import Foundation
import NCPKit
import ReportKit

/// Deterministic items for every customer, platform, region and resource, made field by field
/// from the SDK models, and consistent across resources: a server's `vpcNo` is a VPC of the same
/// customer and region, a block storage's `serverInstanceNo` is one of its servers.
final class FleetGenerator: Sendable {
    struct Key: Hashable, Sendable {
        let customer: Int
        let platform: Platform
        let resource: String
        let region: String
    }

    let scenario: Scenario
    private let cache = Locked<[Key: [JSONValue]]>([:])
    /// Model name → (JSON name as the API answers, type). The SDK lists are read through
    /// `apiName` and topped up with the fields the API reference documents beyond them.
    static let models: [String: [(String, String)]] = {
        var result = ExtraModels.models
        guard case .object(let all)? = try? JSONParser.parse(SDKModels.json) else { return result }
        for (name, fields) in all.pairs {
            let declared = fields.objectValue?.pairs.map { (apiName($0.key), $0.value.stringValue ?? "str") } ?? []
            let added = (ExtraModels.documentedFields[name] ?? []).filter { field in !declared.contains { $0.0 == field.0 } }
            result[name] = declared + added
        }
        return result
    }()

    /// The JSON name the API answers for an SDK field name. The Go SDK's struct tags are not
    /// always the wire names: some are capitalised (`CloudRedisServerInstanceList`,
    /// `CloudMongoDbServerInstanceList`) and some carry a stray `;` (`volumeSize;`), while
    /// NCP answers lowerCamelCase throughout (the API reference's data types:
    /// `cloudRedisServerInstanceList`, `cloudMongoDbServerInstanceList`).
    static func apiName(_ tag: String) -> String {
        let name = tag.trimmingCharacters(in: CharacterSet(charactersIn: "; "))
        guard let first = name.first, first.isUppercase else { return name }
        return first.lowercased() + name.dropFirst()
    }

    init(scenario: Scenario) { self.scenario = scenario }

    /// How many items a customer has of a resource in a region: the resource's own count plus
    /// its qualified extras (`vpc/block-storage/detached`, `…/pvc`), which come after it.
    func count(customer: Int, platform: Platform, resource: String, region: String) -> Int {
        baseCount(customer: customer, platform: platform, resource: resource, region: region)
            + (Fixtures.fleetQualifiers[resource] ?? []).reduce(0) {
                $0 + (explicitCount(customer: customer, platform: platform, key: "\(resource)/\($1)", region: region) ?? 0)
            }
    }

    /// A count the scenario names for `platform/key` in this region (`…@REGION`, or the bare key
    /// for the site's first region); nil when it names none.
    private func explicitCount(customer: Int, platform: Platform, key: String, region: String) -> Int? {
        let c = scenario.customers[customer]
        let resource = String(key.prefix { $0 != "/" })
        // Billing, CDN and Resource Manager are account-wide: either platform's key names them.
        let global = ResourceCatalog.named(resource)?.spec(for: platform)?.region == .global
        guard global || c.platforms.contains(platform.rawValue) else { return nil }
        let keys = global ? Platform.allCases.map { "\($0.rawValue)/\(key)" } : ["\(platform.rawValue)/\(key)"]
        if let count = keys.lazy.compactMap({ c.fleet["\($0)@\(region)"] }).first { return count }
        guard global || region == Fixtures.regions(platform, c.site).first?.code else { return nil }
        return keys.lazy.compactMap { c.fleet[$0] }.first
    }

    private func baseCount(customer: Int, platform: Platform, resource: String, region: String) -> Int {
        let c = scenario.customers[customer]
        let global = ResourceCatalog.named(resource)?.spec(for: platform)?.region == .global
        guard global || c.platforms.contains(platform.rawValue) else { return 0 }
        if let count = explicitCount(customer: customer, platform: platform, key: resource, region: region) { return count }
        if resource == "resource" {
            return Fixtures.resourceManagerTypes.reduce(0) { sum, entry in
                sum + Platform.allCases.reduce(0) { $0 + count(customer: customer, platform: $1, resource: entry.resource, region: region) }
            }
        }
        let first = global || region == Fixtures.regions(platform, c.site).first?.code
        // NCP's own catalogs answer in every region; the networks other resources sit in exist
        // wherever the scenario places anything of that platform.
        if first || Fixtures.everyRegion.contains(resource) { return Fixtures.defaultCount(resource) }
        if Fixtures.networks.contains(resource), usesRegion(c, platform: platform, region: region) {
            return Fixtures.defaultCount(resource)
        }
        return 0
    }

    /// Whether the scenario names any fleet of this platform in a region other than the first.
    private func usesRegion(_ customer: Scenario.Customer, platform: Platform, region: String) -> Bool {
        customer.fleet.contains { key, count in count > 0 && key.hasPrefix("\(platform.rawValue)/") && key.hasSuffix("@\(region)") }
    }

    func items(customer: Int, platform: Platform, resource: String, region: String) -> [JSONValue] {
        let key = Key(customer: customer, platform: platform, resource: resource, region: region)
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let made: [JSONValue]
        if resource == "resource" {
            made = resourceManagerItems(customer: customer, region: region)
        } else {
            let total = count(customer: customer, platform: platform, resource: resource, region: region)
            made = (0..<total).map { make(key, index: $0) }
        }
        cache.withLock { $0[key] = made }
        return made
    }

    // MARK: - One item

    struct Context {
        let key: FleetGenerator.Key
        let index: Int
        let idField: String?
        let site: Site
    }

    private func make(_ key: Key, index: Int) -> JSONValue {
        let model = Fixtures.models["\(key.platform.rawValue)/\(key.resource)"] ?? ""
        let spec = ResourceCatalog.named(key.resource)?.spec(for: key.platform)
        let context = Context(key: key, index: index, idField: spec?.idField, site: scenario.customers[key.customer].site)
        var item = object(model: model, context: context, depth: 0)
        if key.resource == "block-storage" { attach(&item, context) }
        return .object(item)
    }

    /// A volume's attachment, as NCP reports it: attached ones say `ATTAC`/"attached" and name
    /// their server (and sit in its zone); the others say `CREAT`/"detached" and name none.
    /// Volumes up to the resource's own count are attached when the region has servers; then
    /// come the `detached` ones, then the `pvc` ones (Kubernetes volumes, every other one
    /// attached to a worker).
    private func attach(_ volume: inout JSONObject, _ context: Context) {
        let key = context.key
        let own = baseCount(customer: key.customer, platform: key.platform, resource: key.resource, region: key.region)
        let detached = explicitCount(customer: key.customer, platform: key.platform, key: "\(key.resource)/detached", region: key.region) ?? 0
        let pvc = context.index - own - detached
        if pvc >= 0 {
            let h = stableHash("\(scenario.seed)/pvc/\(key.customer)/\(key.region)/\(context.index)")
            volume["blockStorageName"] = .string("pvc-" + String(format: "%016llx", h))
        }
        let servers = items(customer: key.customer, platform: key.platform, resource: "server", region: key.region)
        let wantsServer = context.index < own || (pvc >= 0 && pvc % 2 == 1)
        // Not `… ? servers[i] : nil`: that nil would be JSONValue's null, not "no server".
        let server: JSONValue? = wantsServer && !servers.isEmpty ? .some(servers[context.index % servers.count]) : .none
        volume["blockStorageInstanceStatus"] = .object(JSONObject([
            ("code", .string(server == nil ? "CREAT" : "ATTAC")),
            ("codeName", .string(server == nil ? "Block storage CREATED state" : "Block storage ATTACHED state")),
        ]))
        volume["blockStorageInstanceStatusName"] = .string(server == nil ? "detached" : "attached")
        volume["serverInstanceNo"] = .string(server?["serverInstanceNo"]?.stringValue ?? "")
        if volume["serverName"] != nil { volume["serverName"] = .string(server?["serverName"]?.stringValue ?? "") }
        guard let server else { return }
        for field in ["zoneCode", "zone"] where volume[field] != nil {
            if let zone = server[field] { volume[field] = zone }
        }
    }

    private func object(model: String, context: Context, depth: Int) -> JSONObject {
        var result = JSONObject()
        let fields = FleetGenerator.models[model] ?? []
        for (name, type) in fields {
            result.pairs.append((name, value(field: name, type: type, model: model, context: context, depth: depth)))
        }
        return result
    }

    private func value(field: String, type: String, model: String, context: Context, depth: Int) -> JSONValue {
        let index = context.index
        switch type {
        case "str": return .string(text(field: field, context: context, depth: depth))
        case "int":
            let lower = field.lowercased()
            // Sizes are bytes: mostly whole GiB, some not (1.5 GiB of memory, 512 MiB more
            // storage), so a report's integer division to GB meets both.
            if lower.hasSuffix("size") {
                if lower.contains("memory") {
                    return .int(index % 5 == 4 ? Int64(1_610_612_736) : Int64(4_294_967_296) << (index % 3))
                }
                return .int(Int64(53_687_091_200) * Int64(1 + index % 4) + (index % 5 == 3 ? 536_870_912 : 0))
            }
            if lower.contains("port") { return .int(3306) }
            if lower.hasSuffix("count") { return .int(2 << (index % 3)) }
            if lower.hasSuffix("no") { return .int(Int(digits(field, context) ?? "0") ?? 0) }
            return .int(1 + (index + field.count) % 10)
        case "float": return .number(String(format: "%.2f", Double((index * 37 + field.count * 11) % 10000) / 100))
        case "bool": return .bool((index + field.count) % 2 == 0)
        case "CommonCode": return commonCode(field: field, index: index)
        case "list[str]":
            if field.hasSuffix("ServerInstanceNoList"), context.key.resource != "server" {
                return .array([linked("server", "serverInstanceNo", context)].compactMap { $0.map { .string($0) } })
            }
            return .array([.string(text(field: String(field.dropLast(4)), context: context, depth: depth + 1))])
        case "list[int]": return .array([.int(Int(digits(field, context) ?? "1") ?? 1)])
        default:
            let nested = resolve(type, from: model)
            if type.hasPrefix("list[") {
                guard depth < 2, FleetGenerator.models[nested] != nil else { return .array([]) }
                let nodes = field.lowercased().hasSuffix("serverinstancelist") ? 2 : 1
                return .array((0..<nodes).map { node in
                    .object(object(model: nested, context: Context(key: context.key, index: context.index * 2 + node,
                                                                    idField: nil, site: context.site), depth: depth + 1))
                })
            }
            guard depth < 3, FleetGenerator.models[nested] != nil else { return .null }
            if nested.hasSuffix(".Region") || nested.hasSuffix(".Zone") { return place(nested, context) }
            return .object(object(model: nested, context: Context(key: context.key, index: index, idField: nil, site: context.site),
                                  depth: depth + 1))
        }
    }

    /// `list[Foo]`/`Foo` named in `vserver.X` means `vserver.Foo`.
    private func resolve(_ type: String, from model: String) -> String {
        var name = type
        if name.hasPrefix("list["), name.hasSuffix("]") { name = String(name.dropFirst(5).dropLast()) }
        let prefix = model.split(separator: ".").dropLast().joined(separator: ".")
        return prefix.isEmpty ? name : "\(prefix).\(name)"
    }

    private func place(_ model: String, _ context: Context) -> JSONValue {
        let region = Fixtures.regions(context.key.platform, context.site).first { $0.code == context.key.region }
            ?? Fixtures.Region(code: context.key.region, number: "1", name: context.key.region)
        var fields = JSONObject()
        for (name, _) in FleetGenerator.models[model] ?? [] {
            switch name {
            case "regionNo": fields[name] = .string(region.number)
            case "regionCode": fields[name] = .string(region.code)
            case "regionName": fields[name] = .string(region.name)
            case "zoneNo": fields[name] = .string(String(Int(region.number)! * 10 + 2 + context.index % 2))
            case "zoneCode", "zoneName": fields[name] = .string("\(region.code)-\(1 + context.index % 2)")
            case "zoneDescription": fields[name] = .string("\(region.name) zone \(1 + context.index % 2)")
            default: fields[name] = .string(name)
            }
        }
        return .object(fields)
    }

    private func text(field: String, context: Context, depth: Int) -> String {
        let index = context.index
        let key = context.key
        let customer = scenario.customers[key.customer].id
        if depth == 0, field == context.idField { return identifier(field: field, context: context) }
        switch field {
        case "regionCode": return key.region
        case "zoneCode": return "\(key.region)-\(1 + index % 2)"
        case "vpcNo" where key.resource != "vpc": return linked("vpc", "vpcNo", context) ?? ""
        case "subnetNo" where key.resource != "subnet": return linked("subnet", "subnetNo", context) ?? ""
        case "serverInstanceNo" where key.resource != "server", "instanceNo" where key.resource == "network-interface":
            return linked("server", "serverInstanceNo", context) ?? ""
        case "serverName" where key.resource != "server", "originalServerName":
            return linked("server", "serverName", context) ?? ""
        case "originalServerInstanceNo": return linked("server", "serverInstanceNo", context) ?? ""
        case "originalServerImageName":
            return linked("server", "serverImageName", context) ?? "\(field)-\(index + 1)"
        case "subnetName" where key.resource != "subnet": return linked("subnet", "subnetName", context) ?? ""
        // Specs and images name real entries of the billing and image product lists, so the
        // lookups a report makes (v2's serverSpec and serverImage) resolve as they do on NCP.
        case "serverProductCode", "originalServerProductCode", "cloudDBProductCode":
            return linked("product", "productCode", context) ?? productCode(field, index)
        case _ where field.hasPrefix("cloud") && field.hasSuffix("ProductCode"):
            return linked("product", "productCode", context) ?? productCode(field, index)
        case "serverImageProductCode", "originalServerImageProductCode":
            return linked("server-image-product", "productCode", context) ?? productCode(field, index)
        case "vpcName" where key.resource != "vpc": return linked("vpc", "vpcName", context) ?? ""
        case "dbKindCode": return ["MYSQL", "MSSQL", "REDIS"][index % 3]
        case "status" where key.resource == "nks-cluster": return "RUNNING"
        case "k8sVersion": return "1.29.9-nks.1"
        case "engineVersion": return "8.0.36"
        case "demandMonth": return "202610"
        case "platformType" where key.resource == "resource": return key.platform == .vpc ? "VPC" : "CLASSIC"
        default: break
        }
        let lower = field.lowercased()
        if lower.hasSuffix("date") || lower == "uptime" || lower == "createdat" || lower == "updatedat" || lower == "createtime" {
            return date(index: index + field.count)
        }
        if lower == "ip" || lower.hasSuffix("ip") || lower.hasSuffix("iplist") {
            return lower.contains("public") ? "203.0.113.\(1 + index % 250)" : "10.\(key.customer).\(index / 250).\(1 + index % 250)"
        }
        if lower.contains("cidr") || field == "subnet" { return "10.\(index % 250).0.0/16" }
        if lower.hasSuffix("no") { return digits(field, context) ?? "0" }
        if lower.hasSuffix("statusname") { return lower.contains("server") ? "running" : "created" }
        if lower.hasSuffix("description") { return "\(customer) 테스트 자원 \(index + 1)" }
        if lower.hasSuffix("name") { return "\(customer)-\(key.resource)-\(String(format: "%03d", index + 1))" }
        if lower.hasSuffix("productcode") || lower.hasSuffix("code") { return productCode(field, index) }
        if lower.hasSuffix("domain") { return "\(customer)-\(index + 1).\(key.region.lowercased()).ncloud.example" }
        return "\(field)-\(index + 1)"
    }

    /// The item's own id: numeric strings for `…No`, names or codes otherwise.
    private func identifier(field: String, context: Context) -> String {
        let key = context.key
        let index = context.index
        switch field {
        case "uuid":
            let h = stableHash("\(scenario.seed)/\(key.customer)/\(key.region)/\(index)")
            let hex = String(format: "%016llx%016llx", h, h &* 0x9E37_79B9_7F4A_7C15)
            let chars = Array(hex)
            return "\(String(chars[0..<8]))-\(String(chars[8..<12]))-4\(String(chars[13..<16]))-a\(String(chars[17..<20]))-\(String(chars[20..<32]))"
        case "productCode": return productCode(key.resource, index)
        case "regionCode": return key.region
        case "autoScalingGroupName": return "\(scenario.customers[key.customer].id)-asg-\(index + 1)"
        default:
            let resourceSlot = (ResourceCatalog.all.firstIndex { $0.name == key.resource } ?? 0) + 1
            let regionSlot = Fixtures.regions(key.platform, context.site).firstIndex { $0.code == key.region } ?? 9
            let platformSlot = key.platform == .vpc ? 0 : 5
            let value = (key.customer + 1) * 1_000_000_000 + resourceSlot * 10_000_000 + (regionSlot + platformSlot) * 1_000_000 + index + 1
            return String(value)
        }
    }

    private func linked(_ resource: String, _ field: String, _ context: Context) -> String? {
        let key = Key(customer: context.key.customer, platform: context.key.platform, resource: resource, region: context.key.region)
        let others = items(customer: key.customer, platform: key.platform, resource: resource, region: key.region)
        guard !others.isEmpty else { return nil }
        return others[context.index % others.count][field]?.stringValue
    }

    private func digits(_ field: String, _ context: Context) -> String? {
        String(1_000_000 + stableHash("\(scenario.seed)/\(context.key.customer)/\(context.key.resource)/\(field)/\(context.index)") % 8_999_999)
    }

    private func productCode(_ field: String, _ index: Int) -> String {
        let kinds = ["SPSVRSSD", "SPSW0LNX", "SPBSTBSTD", "SPSVRHICPU"]
        return kinds[abs(field.count + index) % kinds.count] + String(format: "%08d", index + 1)
    }

    private func commonCode(field: String, index: Int) -> JSONValue {
        let lower = field.lowercased()
        let pair: (String, String)
        if lower.hasSuffix("status") { pair = lower.contains("server") ? ("RUN", "Server run state") : ("CREAT", "Created") }
        else if lower.hasSuffix("operation") { pair = ("NULL", "NULL OP") }
        else if lower.contains("platformtype") { pair = ("LNX64", "Linux 64 Bit") }
        else if lower == "blockstoragetype" { pair = ("SVRBS", "Server Block Storage") }
        else if lower.hasSuffix("serverrole") { pair = index % 2 == 0 ? ("M", "Master") : ("H", "Standby Master") }
        // Disk *detail* types are the media (SSD/HDD); disk types the attachment (NET).
        else if lower.contains("diskdetailtype") || lower.contains("storagetype") { pair = index % 2 == 0 ? ("SSD", "SSD") : ("HDD", "HDD") }
        else if lower.hasSuffix("disktype") { pair = ("NET", "Network Storage") }
        else if lower.contains("currency") { pair = ("KRW", "KRW") }
        else { pair = ("CODE\(index % 3)", "\(field) \(index % 3)") }
        return .object(JSONObject([("code", .string(pair.0)), ("codeName", .string(pair.1))]))
    }

    /// A deterministic NCP date, 7 hours apart per index from 2024-03-05 10:11:12 in Seoul.
    private func date(index: Int) -> String {
        Timestamps.ncp(Date(timeIntervalSince1970: 1_709_601_072 + Double(index) * 7 * 3600), in: PeriodResolver.seoul)
    }

    /// Resource Manager items: one per resource in the customer's other fleets, both platforms.
    private func resourceManagerItems(customer: Int, region: String) -> [JSONValue] {
        let member = String(100_000 + customer)
        var result: [JSONValue] = []
        for platform in Platform.allCases {
            for entry in Fixtures.resourceManagerTypes {
                guard let spec = ResourceCatalog.named(entry.resource)?.spec(for: platform), let idField = spec.idField else { continue }
                for item in items(customer: customer, platform: platform, resource: entry.resource, region: region) {
                    let id = item[idField]?.scalarText ?? ""
                    let name = item.objectValue?.pairs.first { $0.key.hasSuffix("Name") }?.value.stringValue ?? id
                    result.append(.object(JSONObject([
                        ("nrn", .string("nrn:PUB:\(entry.product):\(region):\(member):\(entry.type)/\(id)")),
                        ("platformType", .string(platform == .vpc ? "VPC" : "CLASSIC")),
                        ("productName", .string(entry.product)),
                        ("resourceType", .string(entry.type)),
                        ("resourceId", .string(id)),
                        ("resourceName", .string(name)),
                        ("regionCode", .string(region)),
                        ("createTime", .string(date(index: result.count))),
                    ])))
                }
            }
        }
        return result
    }
}

/// FNV-1a: stable across runs and platforms (Swift's Hasher is seeded per process).
func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return hash
}
