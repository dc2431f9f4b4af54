import Foundation

/// A reporting layout as data: the tables some consumer expects (the v2 system's Power BI
/// reports), each a list of columns, each column an expression over one fetched item. ncp-json
/// applies a view (`--view v2`); ncp-report's `--layout v2` picks the tables and lookups.
public struct View: Sendable {
    public let name: String
    public let tables: [ViewTable]
    public let lookups: [String: ViewLookup]

    public static let all: [View] = [V2View.view]

    public static func named(_ name: String) -> View? { all.first { $0.name == name } }

    /// The table a fetched resource becomes on a platform, if the view has one.
    public func table(resource: String, platform: Platform) -> ViewTable? {
        tables.first { $0.resource == resource && $0.platforms.contains(platform) }
    }

    public func table(named name: String) -> ViewTable? { tables.first { $0.name == name } }
}

/// A list another list's rows are enriched from: `key` on its items → `value`.
public struct ViewLookup: Sendable {
    public let resource: String
    public let key: String
    public let value: String
}

/// One table of a view. `name` is the v2-style file and table suffix (`server_list`); the full
/// table name adds the customer type and platform (`pri_VPC_server_list`) unless `fixedName`.
public struct ViewTable: Sendable {
    public struct Column: Sendable {
        public let name: String
        public let vpc: ViewExpression
        public let classic: ViewExpression

        public func expression(_ platform: Platform) -> ViewExpression { platform == .vpc ? vpc : classic }
    }

    public let name: String
    /// The step resource whose items feed it (catalog name, or `server-metrics`, `mysql-metrics`, `nas-usage`).
    public let resource: String
    public let platforms: [Platform]
    public let fixedName: String?
    /// An array of each item (matched without regard to case) whose elements become the rows:
    /// one row per Cloud DB node.
    public let explode: String?
    public let columns: [Column]

    /// `columns`: (name, expression for both platforms) or (name, vpc, classic); expressions in
    /// the syntax of `ViewExpression.parse`.
    init(_ name: String, resource: String, platforms: [Platform], fixedName: String? = nil, explode: String? = nil,
         columns: [(String, String, String?)]) {
        self.name = name
        self.resource = resource
        self.platforms = platforms
        self.fixedName = fixedName
        self.explode = explode
        self.columns = columns.map { column in
            do {
                let vpc = try ViewExpression.parse(column.1)
                return Column(name: column.0, vpc: vpc, classic: try column.2.map(ViewExpression.parse) ?? vpc)
            } catch {
                preconditionFailure("view \(name), column \(column.0): \(error)")  // the tables are code: a test parses them all
            }
        }
    }

    public func tableName(customerType: String, platform: Platform) -> String {
        fixedName ?? "\(customerType)_\(ViewTable.platformLabel(platform))_\(name)"
    }

    /// The column that names the customer (`customer_id`; `customerName` in All_Resource_List):
    /// a load's slice is the period and this column.
    public var customerColumn: String {
        columns.first { $0.vpc == .field(["_customer"]) }?.name ?? "customer_id"
    }

    /// The v2 spelling of a platform in names (`VPC`, `Classic`).
    public static func platformLabel(_ platform: Platform) -> String { platform == .vpc ? "VPC" : "Classic" }

    /// The lookups its columns read on a platform.
    public func lookups(_ platform: Platform) -> Set<String> {
        columns.reduce(into: Set<String>()) { $0.formUnion($1.expression(platform).lookups) }
    }

    /// The rows one item becomes (several when the table explodes an array; none when that array is empty).
    public func rows(_ item: JSONValue, platform: Platform, context: ViewContext) -> [JSONObject] {
        var nodes: [JSONValue?] = [nil]
        if let explode {
            let key = item.objectValue?.pairs.first { $0.key.caseInsensitiveCompare(explode) == .orderedSame }
            nodes = (key?.value.arrayValue ?? []).map { $0 }
        }
        return nodes.map { node in
            JSONObject(columns.map { column in
                let value = column.expression(platform).evaluate(item: item, node: node, context: context)
                // A column is one value: a list or object left over becomes its compact JSON text
                // (a loader would otherwise spread it over columns of its own).
                switch value {
                case .array(let elements) where elements.isEmpty: return (column.name, .null)
                case .array, .object: return (column.name, .string(value.compactString))
                default: return (column.name, value)
                }
            })
        }
    }
}

/// What a view's expressions read besides the item: the run's time and the lookup lists.
public struct ViewContext: Sendable {
    /// `datetime`: the run time, ISO 8601 with the report zone's offset.
    public var runTime: String
    /// Lookup name → key → value.
    public var lookups: [String: [String: JSONValue]] = [:]

    public init(runTime: String) { self.runTime = runTime }

    /// Indexes lookup lists for a view: every item whose `_resource` feeds a lookup (files are
    /// read once however many streams use them).
    public mutating func index(_ item: JSONValue, view: View) {
        guard let resource = item["_resource"]?.stringValue else { return }
        for (name, lookup) in view.lookups where lookup.resource == resource {
            guard let key = item[lookup.key]?.scalarText, !key.isEmpty, let value = item[lookup.value], value != .null else { continue }
            lookups[name, default: [:]][key] = value
        }
    }
}

/// A column's value. Syntax: `a.b.c` a field (`[]` after a segment maps over an array),
/// `node.x` a field of the exploded element, `@name(expr)` a lookup, `@name[](expr)` a lookup
/// of each element joined with ", ", `join(expr)` an array joined with ", ", `e1 | e2` the
/// first that is neither null nor empty, `$run` the run time, `$date` its date, `-` null.
public indirect enum ViewExpression: Sendable, Equatable {
    case null
    case field([String])
    case node([String])
    case lookup(String, ViewExpression)
    case lookupEach(String, ViewExpression)
    case joined(ViewExpression)
    case first([ViewExpression])
    case runTime
    case runDate

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ text: String) throws -> ViewExpression {
        let alternatives = text.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        guard alternatives.count > 1 else { return try single(text.trimmingCharacters(in: .whitespaces)) }
        return .first(try alternatives.map(single))
    }

    private static func single(_ text: String) throws -> ViewExpression {
        if text == "-" { return .null }
        if text == "$run" { return .runTime }
        if text == "$date" { return .runDate }
        if text.hasPrefix("join("), text.hasSuffix(")") { return .joined(try single(String(text.dropFirst(5).dropLast()))) }
        if text.hasPrefix("@"), let open = text.firstIndex(of: "("), text.hasSuffix(")") {
            var name = String(text[text.index(after: text.startIndex)..<open])
            let inner = try single(String(text[text.index(after: open)..<text.index(before: text.endIndex)]))
            if name.hasSuffix("[]") {
                name.removeLast(2)
                return .lookupEach(name, inner)
            }
            return .lookup(name, inner)
        }
        let path = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !text.isEmpty, path.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || "_[]".contains($0) } }) else {
            throw ParseError(description: "'\(text)' is not a field path, lookup, join(...), $run, $date or -")
        }
        return path.first == "node" ? .node(Array(path.dropFirst())) : .field(path)
    }

    var lookups: Set<String> {
        switch self {
        case .lookup(let name, let inner), .lookupEach(let name, let inner): return inner.lookups.union([name])
        case .joined(let inner): return inner.lookups
        case .first(let all): return all.reduce(into: Set<String>()) { $0.formUnion($1.lookups) }
        case .null, .field, .node, .runTime, .runDate: return []
        }
    }

    public func evaluate(item: JSONValue, node: JSONValue?, context: ViewContext) -> JSONValue {
        switch self {
        case .null: return .null
        case .field(let path): return ViewExpression.walk(item, path[...])
        case .node(let path): return node.map { ViewExpression.walk($0, path[...]) } ?? .null
        case .runTime: return .string(context.runTime)
        case .runDate: return .string(String(context.runTime.prefix(10)))
        case .lookup(let name, let inner):
            guard let key = inner.evaluate(item: item, node: node, context: context).scalarText else { return .null }
            return context.lookups[name]?[key] ?? .null
        case .lookupEach(let name, let inner):
            let keys = inner.evaluate(item: item, node: node, context: context).arrayValue ?? []
            let names = keys.compactMap { $0.scalarText.flatMap { context.lookups[name]?[$0]?.scalarText } }
            return names.isEmpty ? .null : .string(names.joined(separator: ", "))
        case .joined(let inner):
            let value = inner.evaluate(item: item, node: node, context: context)
            guard let elements = value.arrayValue else { return value }
            let texts = elements.compactMap { $0.scalarText }.filter { !$0.isEmpty }
            return texts.isEmpty ? .null : .string(texts.joined(separator: ", "))
        case .first(let all):
            for expression in all {
                let value = expression.evaluate(item: item, node: node, context: context)
                if !ViewExpression.isEmpty(value) { return value }
            }
            return .null
        }
    }

    /// Null, "", [] or {}: what a fallback (`a | b`) passes over.
    static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return true
        case .string(let text): return text.value.isEmpty
        case .array(let elements): return elements.isEmpty
        case .object(let object): return object.pairs.isEmpty
        default: return false
        }
    }

    /// A path's value: `seg[]` maps the rest of the path over an array.
    static func walk(_ value: JSONValue, _ path: ArraySlice<String>) -> JSONValue {
        guard let segment = path.first else { return value }
        if segment.hasSuffix("[]") {
            guard let elements = value[String(segment.dropLast(2))]?.arrayValue else { return .null }
            return .array(elements.map { walk($0, path.dropFirst()) }.filter { $0 != .null })
        }
        guard let next = value[segment] else { return .null }
        return walk(next, path.dropFirst())
    }
}
