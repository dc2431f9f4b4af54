import Foundation

/// The `--batch FILE` contract the tools share (ncp-fetch, ncp-json, ncp-load), as types both
/// the tools and the runner use (docs/contract.md: The batch protocol): NDJSON entries in, one
/// report line per entry on stdout in entry order, a failing entry reported (`status` failed
/// and its `FailureRecord` fields) while the others go on, and the first failure's status as
/// the exit.
public protocol BatchProtocol {
    /// One line of the batch file: what to do.
    associatedtype Entry: Codable, Sendable
    /// What a report line says about the entry beyond how it ended (the entry's identity and
    /// what it produced).
    associatedtype Detail: BatchReportDetail
}

/// The tool-specific part of a report line.
public protocol BatchReportDetail: Codable, Sendable {
    /// What the entry produced: items written (ncp-fetch, ncp-json) or rows loaded (ncp-load).
    var count: Int? { get }
    /// The detail of an entry that could not be read.
    init()
}

public enum EntryStatus: String, Codable, Sendable {
    case ok, failed
}

/// How an entry ended: `status`, `seconds`, and for a failure its `FailureRecord` fields
/// (`exit`, `error`, `kind`, `returnCode`, `httpStatus`), all at the report line's top level.
public struct EntryOutcome: Codable, Sendable, Equatable {
    public var status: EntryStatus
    public var seconds: Double?
    public var failure: FailureRecord?

    public static func ok(seconds: Double? = nil) -> EntryOutcome { EntryOutcome(status: .ok, seconds: seconds, failure: nil) }

    public static func failed(_ failure: FailureRecord, seconds: Double? = nil) -> EntryOutcome {
        EntryOutcome(status: .failed, seconds: seconds, failure: failure)
    }

    /// Seconds since `started`, to the millisecond.
    public static func seconds(since started: Date) -> Double { (Date().timeIntervalSince(started) * 1000).rounded() / 1000 }

    enum Keys: String, CodingKey { case status, seconds, exit, error, kind, returnCode, httpStatus }

    public init(status: EntryStatus, seconds: Double?, failure: FailureRecord?) {
        self.status = status
        self.seconds = seconds
        self.failure = failure
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        status = try container.decode(EntryStatus.self, forKey: .status)
        seconds = try container.decodeIfPresent(Double.self, forKey: .seconds)
        guard status == .failed else { return }
        let exit = try container.decodeIfPresent(Int.self, forKey: .exit) ?? Int(ExitStatus.software.rawValue)
        failure = FailureRecord(
            exit: exit, error: try container.decodeIfPresent(String.self, forKey: .error) ?? "exit \(exit)",
            kind: try container.decodeIfPresent(FailureKind.self, forKey: .kind),
            returnCode: try container.decodeIfPresent(String.self, forKey: .returnCode),
            httpStatus: try container.decodeIfPresent(Int.self, forKey: .httpStatus))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(seconds, forKey: .seconds)
        guard let failure else { return }
        try container.encode(failure.exit, forKey: .exit)
        try container.encode(failure.error, forKey: .error)
        try container.encode(failure.kind, forKey: .kind)
        try container.encodeIfPresent(failure.returnCode, forKey: .returnCode)
        try container.encodeIfPresent(failure.httpStatus, forKey: .httpStatus)
    }
}

/// One report line: the tool's detail and the outcome, flattened into one JSON object.
public struct BatchReport<Detail: BatchReportDetail>: Codable, Sendable {
    public var detail: Detail
    public var outcome: EntryOutcome

    public init(_ detail: Detail, _ outcome: EntryOutcome) {
        self.detail = detail
        self.outcome = outcome
    }

    public init(from decoder: any Decoder) throws {
        detail = try Detail(from: decoder)
        outcome = try EntryOutcome(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try detail.encode(to: encoder)
        try outcome.encode(to: encoder)
    }
}

/// The text of a scalar JSON value (string, number or boolean): `parameters` and `partition`
/// values, which may be written either way.
public struct ScalarText: Codable, Sendable, Hashable, ExpressibleByStringLiteral {
    public var text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral text: String) { self.text = text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else if let number = try? container.decode(Int64.self) {
            text = String(number)
        } else if let number = try? container.decode(Double.self) {
            text = String(number)
        } else if let flag = try? container.decode(Bool.self) {
            text = String(flag)
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "a string, number or boolean"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// ncp-fetch `--batch`: each entry's stream into its own file.
public enum FetchBatch: BatchProtocol {
    public struct Entry: Codable, Sendable, Equatable {
        public var resource: String
        /// `vpc` or `classic`; the command's platform when absent.
        public var platform: String?
        /// A region code or `all`; the command's region when absent.
        public var region: String?
        public var output: String
        public var parameters: [String: ScalarText]?

        public init(resource: String, platform: String? = nil, region: String? = nil, output: String, parameters: [String: ScalarText]? = nil) {
            self.resource = resource
            self.platform = platform
            self.region = region
            self.output = output
            self.parameters = parameters
        }
    }

    public struct Detail: BatchReportDetail, Equatable {
        public var resource: String?
        public var platform: String?
        public var region: String?
        public var output: String?
        public var items: Int?

        public var count: Int? { items }
        public init() {}

        public init(_ entry: Entry) {
            resource = entry.resource
            platform = entry.platform
            region = entry.region
            output = entry.output
        }
    }
}

/// ncp-json `--batch`: each saved stream into its dated file.
public enum JSONBatch: BatchProtocol {
    public struct Entry: Codable, Sendable, Equatable {
        public var input: String
        public var customer: String?
        public var name: String?
        public var customerType: String?
        public var platform: String?
        /// Lists a view looks names up in.
        public var lookups: [String]?
        /// Where the passed-on stream (a view's rows) is written.
        public var tee: String?

        public init(input: String, customer: String? = nil, name: String? = nil, customerType: String? = nil, platform: String? = nil,
                    lookups: [String]? = nil, tee: String? = nil) {
            self.input = input
            self.customer = customer
            self.name = name
            self.customerType = customerType
            self.platform = platform
            self.lookups = lookups
            self.tee = tee
        }
    }

    public struct Detail: BatchReportDetail, Equatable {
        public var customer: String?
        public var name: String?
        public var path: String?
        public var items: Int?

        public var count: Int? { items }
        public init() {}

        public init(_ entry: Entry) {
            customer = entry.customer
            name = entry.name
        }
    }
}

/// ncp-load `--batch`: each stream into its partition, one transaction each.
public enum LoadBatch: BatchProtocol {
    public struct Entry: Codable, Sendable, Equatable {
        public var input: String
        /// Column → value, added to the command's `--partition`.
        public var partition: [String: ScalarText]?

        public init(input: String, partition: [String: ScalarText]? = nil) {
            self.input = input
            self.partition = partition
        }

        /// The partition's columns in a stable order (by name).
        public var partitionColumns: [(column: String, value: String)] {
            (partition ?? [:]).map { (column: $0.key, value: $0.value.text) }.sorted { $0.column < $1.column }
        }
    }

    public struct Detail: BatchReportDetail, Equatable {
        public var partition: [String: String]?
        public var input: String?
        public var rows: Int?
        public var newColumns: [String]?

        public var count: Int? { rows }
        public init() {}

        public init(_ entry: Entry) {
            partition = (entry.partition ?? [:]).mapValues(\.text)
        }
    }
}

/// JSON lines of the protocol: compact, keys sorted, so a line reads the same every run.
public enum BatchCoding {
    public static func line(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Entries as a batch file's bytes.
    public static func file(_ entries: [some Encodable]) throws -> Data {
        var data = Data()
        for entry in entries {
            data.append(contentsOf: try line(entry))
            data.append(0x0A)
        }
        return data
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ line: some Sequence<UInt8>) throws -> T {
        try JSONDecoder().decode(type, from: Data(line))
    }

    /// A decoding error as a field and what was wrong with it: `field output is missing`.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func field(_ path: [any CodingKey]) -> String {
            path.reduce("") { text, key in
                if let index = key.intValue { return "\(text)[\(index)]" }
                return text.isEmpty ? key.stringValue : "\(text).\(key.stringValue)"
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "field \(field(context.codingPath + [key])) is missing"
        case .valueNotFound(_, let context):
            return "field \(field(context.codingPath)) is null"
        case .typeMismatch(let type, let context):
            let what = type == String.self ? "a string" : type == Int.self ? "an integer" : context.debugDescription
            return context.codingPath.isEmpty ? "an entry must be an object" : "field \(field(context.codingPath)) must be \(what)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON: \(context.debugDescription)" : "field \(field(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// A tool's side of a `--batch` run: the entries read and checked, one report per entry, the
/// first failure's status at the end.
public final class BatchFile<Protocol: BatchProtocol> {
    public typealias Report = BatchReport<Protocol.Detail>

    public let path: String
    /// Each entry, or why it could not be read (`entry N: field … is missing`, exit 65). A line
    /// that is not JSON at all fails the whole batch.
    public let entries: [Result<Protocol.Entry, Failure>]
    private var failed = 0
    private var first: FailureRecord?

    public init(path: String) throws {
        let reader = try NDJSONReader(path: path, what: "the batch")
        var entries: [Result<Protocol.Entry, Failure>] = []
        while let line = try reader.next() {
            let value: JSONValue
            do {
                value = try JSONParser.parse(line)
            } catch {
                throw Failure(.dataError, "line \(reader.lineNumber): \(error)", at: path)
            }
            let number = entries.count + 1
            do {
                entries.append(.success(try BatchCoding.decode(Protocol.Entry.self, BatchFile.scalarsAsText(value).compactBytes)))
            } catch {
                entries.append(.failure(Failure(.dataError, "entry \(number): \(BatchCoding.describe(error))", at: path)))
            }
        }
        self.path = path
        self.entries = entries
    }

    /// `partition` and `parameters` values as the text they were written as (a number keeps
    /// its digits: 12345678901234567890 stays that, 1.0 stays 1.0); a null or nested value in
    /// them is left out, as the tools always did.
    static func scalarsAsText(_ value: JSONValue) -> JSONValue {
        guard var object = value.objectValue else { return value }
        for key in ["partition", "parameters"] {
            guard let inner = object[key]?.objectValue else { continue }
            object[key] = .object(JSONObject(inner.pairs.compactMap { pair in
                if case .string = pair.value { return (pair.key, pair.value) }
                return pair.value.scalarText.map { (pair.key, .string($0)) }
            }))
        }
        return .object(object)
    }

    /// Writes one entry's report and remembers the first failure.
    public func emit(_ report: Report) throws {
        if let failure = report.outcome.failure {
            failed += 1
            if first == nil { first = failure }
        }
        try OutputStream.stdout.writeLine(BatchCoding.line(report))
    }

    /// Flushes the reports; throws the first failure's status when any entry failed.
    public func finish() throws {
        try OutputStream.stdout.flush()
        if var first {
            first.error = "\(failed) of \(entries.count) entries failed; the first: \(first.error) (\(path))"
            throw RecordedFailure(first)
        }
    }
}
