/// One step of a report run (docs/contract.md: Outcome records): the runner writes them, teams-notify reads them.
public struct OutcomeRecord: Sendable, Equatable {
    public var customer: String
    public var period: String
    public var platform: String
    public var region: String
    public var resource: String
    public var step: String
    public var status: String
    public var items: Int?
    public var seconds: Double?
    public var exit: Int?
    public var error: String?
    /// When the step's work started and ended (ISO 8601 in the report's time zone); nil for a
    /// step that never ran (skipped).
    public var started: String?
    public var ended: String?

    public static let statuses = ["ok", "skipped", "denied", "failed"]

    public init(customer: String, period: String = "", platform: String = "", region: String = "", resource: String = "",
                step: String = "", status: String, items: Int? = nil, seconds: Double? = nil, exit: Int? = nil, error: String? = nil,
                started: String? = nil, ended: String? = nil) {
        self.customer = customer
        self.period = period
        self.platform = platform
        self.region = region
        self.resource = resource
        self.step = step
        self.status = status
        self.items = items
        self.seconds = seconds
        self.exit = exit
        self.error = error
        self.started = started
        self.ended = ended
    }

    /// Reads one record; a missing `customer` or an unknown `status` is an error naming the field.
    public init(_ value: JSONValue) throws(Failure) {
        guard let object = value.objectValue else { throw Failure(.dataError, "an outcome record must be an object") }
        guard let customer = object["customer"]?.scalarText, !customer.isEmpty else {
            throw Failure(.dataError, "field customer is missing")
        }
        guard let status = object["status"]?.stringValue, OutcomeRecord.statuses.contains(status) else {
            throw Failure(.dataError, "field status must be one of \(OutcomeRecord.statuses.joined(separator: ", "))")
        }
        self.init(
            customer: customer, period: object["period"]?.scalarText ?? "", platform: object["platform"]?.scalarText ?? "",
            region: object["region"]?.scalarText ?? "", resource: object["resource"]?.scalarText ?? "",
            step: object["step"]?.scalarText ?? "", status: status, items: object["items"]?.intValue,
            seconds: object["seconds"]?.doubleValue, exit: object["exit"]?.intValue, error: object["error"]?.stringValue,
            started: object["started"]?.stringValue, ended: object["ended"]?.stringValue)
    }

    /// Every record a reader holds, one per line; a bad one is exit 65 naming its line.
    public static func readAll(from reader: NDJSONReader) throws -> [OutcomeRecord] {
        var records: [OutcomeRecord] = []
        while let value = try reader.nextValue() {
            do { records.append(try OutcomeRecord(value)) } catch {
                throw Failure(.dataError, "line \(reader.lineNumber): \(error.message)", at: reader.source)
            }
        }
        return records
    }

    /// The NDJSON line the runner writes: every field of docs/contract.md: Outcome records, null where unknown.
    public var json: JSONValue {
        func optional<T>(_ value: T?, _ make: (T) -> JSONValue) -> JSONValue { value.map(make) ?? .null }
        return .object(JSONObject([
            ("customer", .string(customer)), ("period", .string(period)), ("platform", .string(platform)), ("region", .string(region)),
            ("resource", .string(resource)), ("step", .string(step)), ("status", .string(status)), ("items", optional(items) { .int($0) }),
            ("seconds", optional(seconds) { .double($0) }), ("exit", optional(exit) { .int($0) }), ("error", optional(error) { .string($0) }),
            ("started", optional(started) { .string($0) }), ("ended", optional(ended) { .string($0) }),
        ]))
    }
}
