import Foundation
import ReportKit

/// A reporting layout as data: the tables some consumer expects (the v2 system's Power BI
/// reports) and the JSON files beside them. ncp-json applies a view (`--view v2`); ncp-report's
/// `--layout v2` picks the tables and lookups. docs/v2-layout.md describes the v2 view.
public struct View: Sendable {
    public let name: String
    public let tables: [ViewTable]
    public let lookups: [String: ViewLookup]

    public static let all: [View] = [V2View.view]

    public static func named(_ name: String) -> View? { all.first { $0.name == name } }

    /// The tables a fetched resource becomes on a platform (several when a view splits a list,
    /// as v2 did Classic Cloud DB by kind).
    public func tables(resource: String, platform: Platform) -> [ViewTable] {
        tables.filter { $0.resource == resource && $0.platforms.contains(platform) }
    }

    public func table(named name: String) -> ViewTable? { tables.first { $0.name == name } }
}

/// A list another list's records are enriched from: `key` on its items (or on the elements of
/// its `nodes` array: Cloud DB servers) → `value`. `fixed` entries answer first, whatever the
/// list says (v2 hard-coded some image names).
public struct ViewLookup: Sendable {
    public let resource: String
    public let key: String
    public let value: String
    public let nodes: String?
    public let fixed: [String: String]

    public init(resource: String, key: String, value: String, nodes: String? = nil, fixed: [String: String] = [:]) {
        self.resource = resource
        self.key = key
        self.value = value
        self.nodes = nodes
        self.fixed = fixed
    }
}

/// One table of a view and its JSON file, built the way the v2 system built them: each item
/// (or each node of an item's `explode` array) becomes a record by ordered assignments, the
/// row is the record's `columns`, and the file holds the records (or the items as fetched).
public struct ViewTable: Sendable {
    /// What a record starts from.
    public enum Record: Sendable {
        /// The item as fetched, without provenance (`_…`) or `drop` keys: an assignment to a key
        /// it has replaces the value where it stands, a new key goes last (a Python dict).
        case item
        /// An empty record: only the assignments (v2 built a new dict per Cloud DB node or data point).
        case built
    }

    /// What the table's JSON file holds.
    public enum FileContent: Sendable {
        case records
        /// The items as fetched, without provenance (v2 wrote Classic Cloud DB's raw list).
        case source
    }

    public struct Assignment: Sendable {
        public let key: String
        public let vpc: ViewExpression
        public let classic: ViewExpression
        /// The expressions as written (for `ncp-json --list-views`).
        public let text: (vpc: String, classic: String)

        public func expression(_ platform: Platform) -> ViewExpression { platform == .vpc ? vpc : classic }
    }

    /// The table and file name's suffix (`server_list` → `pri_VPC_server_list`).
    public let name: String
    /// The step resource whose items feed it (catalog name, or `server-metrics`, `mysql-metrics`, `nas-usage`).
    public let resource: String
    public let platforms: [Platform]
    /// A table name that carries no customer type or platform (`All_Resource_List`).
    public let fixedName: String?
    /// The JSON file's name without `.json` when it is not the table's (`all_resource_list`).
    public let fileName: String?
    public let record: Record
    public let file: FileContent
    /// An array of each item (matched without regard to case) whose elements become the records.
    public let explode: String?
    /// Only items whose field equals the value (one table per Cloud DB kind).
    public let only: (field: String, value: String)?
    /// Keys the fetch added that are not the service's (removed before the assignments).
    public let drop: [String]
    public let assignments: [Assignment]
    /// The row: these keys of the record, in this order (a missing one is null).
    public let columns: [String]

    /// `assignments`: (key, expression for both platforms) or (key, VPC, Classic), in the syntax
    /// of `ViewExpression.parse`.
    init(_ name: String, resource: String, platforms: [Platform], fixedName: String? = nil, fileName: String? = nil,
         record: Record = .item, file: FileContent = .records, explode: String? = nil, only: (String, String)? = nil, drop: [String] = [],
         assignments: [(String, String, String?)], columns: [String]) {
        self.name = name
        self.resource = resource
        self.platforms = platforms
        self.fixedName = fixedName
        self.fileName = fileName
        self.record = record
        self.file = file
        self.explode = explode
        self.only = only.map { (field: $0.0, value: $0.1) }
        self.drop = drop
        self.columns = columns
        self.assignments = assignments.map { assignment in
            do {
                let vpc = try ViewExpression.parse(assignment.1)
                return Assignment(key: assignment.0, vpc: vpc, classic: try assignment.2.map(ViewExpression.parse) ?? vpc,
                                  text: (assignment.1, assignment.2 ?? assignment.1))
            } catch {
                preconditionFailure("view \(name), \(assignment.0): \(error)")  // the tables are code: a test builds them all
            }
        }
    }

    public func tableName(customerType: String, platform: Platform) -> String {
        fixedName ?? "\(customerType)_\(ViewTable.platformLabel(platform))_\(name)"
    }

    /// The JSON file's name without `.json`.
    public func fileName(customerType: String, platform: Platform) -> String {
        fileName ?? tableName(customerType: customerType, platform: platform)
    }

    /// The column that names the customer (`customer_id`; `customerName` in All_Resource_List):
    /// a load's slice is the period and this column.
    public var customerColumn: String {
        assignments.first { $0.vpc == .field(["_customer"]) }?.key ?? "customer_id"
    }

    /// The v2 spelling of a platform in names (`VPC`, `Classic`).
    public static func platformLabel(_ platform: Platform) -> String { platform == .vpc ? "VPC" : "Classic" }

    /// The lookups its assignments read on a platform.
    public func lookups(_ platform: Platform) -> Set<String> {
        assignments.reduce(into: Set<String>()) { $0.formUnion($1.expression(platform).lookups) }
    }

    /// The records one item becomes: none when it is not this table's (`only`) or its `explode`
    /// array is empty; one per element of that array; else one.
    public func records(_ item: JSONValue, platform: Platform, context: ViewContext) -> [JSONObject] {
        if let only, item[only.field]?.scalarText != only.value { return [] }
        var nodes: [JSONValue?] = [nil]
        if let explode {
            let key = item.objectValue?.pairs.first { $0.key.caseInsensitiveCompare(explode) == .orderedSame }
            nodes = (key?.value.arrayValue ?? []).map { $0 }
        }
        let base = record == .item ? source(item) : JSONObject()
        return nodes.map { node in
            var result = base
            for assignment in assignments {
                result[assignment.key] = assignment.expression(platform).evaluate(item: item, node: node, context: context)
            }
            return result
        }
    }

    /// The item as the service sent it: no provenance, nothing the fetch added.
    public func source(_ item: JSONValue) -> JSONObject {
        JSONObject((item.objectValue?.pairs ?? []).filter { !$0.key.hasPrefix("_") && !drop.contains($0.key) })
    }

    /// A record's row: `columns` in order. A column is one value: a list or object left over
    /// becomes its compact JSON text (a loader would otherwise spread it over columns of its own).
    public func row(_ record: JSONObject) -> JSONObject {
        JSONObject(columns.map { column in
            let value = record[column] ?? .null
            switch value {
            case .array(let elements) where elements.isEmpty: return (column, .null)
            case .array, .object: return (column, .string(value.compactString))
            default: return (column, value)
            }
        })
    }

    /// The rows one item becomes.
    public func rows(_ item: JSONValue, platform: Platform, context: ViewContext) -> [JSONObject] {
        records(item, platform: platform, context: context).map(row)
    }
}

/// What a view's expressions read besides the item: the run's time and the lookup lists.
public struct ViewContext: Sendable {
    /// The run time, ISO 8601 with the report zone's offset (`$run`; `minute($run)` is v2's form).
    public var runTime: String
    /// Lookup name → key → value.
    public var lookups: [String: [String: JSONValue]] = [:]
    /// Lookup name → key → the view's fixed answer, which wins over the lists.
    public let fixed: [String: [String: String]]

    public init(runTime: String, view: View? = nil) {
        self.runTime = runTime
        fixed = view?.lookups.filter { !$0.value.fixed.isEmpty }.mapValues(\.fixed) ?? [:]
    }

    /// A lookup's answer for a key: the view's fixed one, else the lists'.
    public func lookup(_ name: String, _ key: String) -> JSONValue? {
        if let text = fixed[name]?[key] { return .string(text) }
        return lookups[name]?[key]
    }

    /// Indexes lookup lists for a view: every item whose `_resource` feeds a lookup (files are
    /// read once however many streams use them).
    public mutating func index(_ item: JSONValue, view: View) {
        guard let resource = item["_resource"]?.stringValue else { return }
        for (name, lookup) in view.lookups where lookup.resource == resource {
            let entries: [JSONValue]
            if let nodes = lookup.nodes {
                let key = item.objectValue?.pairs.first { $0.key.caseInsensitiveCompare(nodes) == .orderedSame }
                entries = key?.value.arrayValue ?? []
            } else {
                entries = [item]
            }
            for entry in entries {
                guard let key = entry[lookup.key]?.scalarText, !key.isEmpty, let value = entry[lookup.value], value != .null else { continue }
                lookups[name, default: [:]][key] = value
            }
        }
    }
}
