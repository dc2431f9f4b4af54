import ArgumentParser
import Foundation
import ReportKit

/// Where files go under `--out`.
public enum FileLayout: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// OUT/PERIOD/CUSTOMER/NAME.json (or .ndjson).
    case standard
    /// The v2 system's: OUT/CUSTOMER/<type>_<Platform>_<name>.json, indented, Korean unescaped.
    case v2
}

/// What a standard file holds.
public enum FileFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// An indented JSON array.
    case json
    /// One object per line.
    case ndjson
}

/// ncp-json's work: a stream checked line by line and written as a dated file, whole or not at
/// all, with what passes on (the lines, or a view's rows) teed to stdout or a file; one stream
/// or a `--batch` of them.
public final class JSONFileWriter {
    public struct Settings: Sendable {
        /// The folder (else $REPORT_JSON_DIR).
        public var out: String?
        /// The customer (else $REPORT_CUSTOMER); a batch entry's wins.
        public var customer: String?
        /// With the v2 layout: pri, gov or fin; a batch entry's wins.
        public var customerType: String?
        public var layout: FileLayout = .standard
        public var format: FileFormat = .json
        public var gzip = false
        public var skipEmpty = false
        /// Lists every view table looks names up in (`--lookup`).
        public var lookups: [String] = []

        public init() {}
    }

    public let settings: Settings
    let environment: EnvironmentFallback
    let period: PeriodOptions
    let stream: StreamInputOptions
    let views: ViewSelection

    public init(_ settings: Settings, view: String?, period: PeriodOptions, stream: StreamInputOptions,
                environment: EnvironmentFallback = EnvironmentFallback()) throws {
        self.settings = settings
        self.environment = environment
        self.period = period
        self.stream = stream
        views = try ViewSelection(view: view, environment: environment, period: period)
    }

    /// The command's input into the file `name`; with `tee`, each line passed on to stdout.
    public func writeOne(name: String?, platform: String?, tee: Bool) throws {
        let shape = try views.shape(table: name, platform: platform, lookups: settings.lookups)
        let (path, pretty) = try target(customer: settings.customer, name: name, platform: platform, view: shape)
        _ = try convert(try stream.reader(environment), source: stream.source, path: path, pretty: pretty, tee: tee ? .stdout : nil, view: shape)
    }

    /// `--batch`: every entry converted as a single run would, each file whole or not at all;
    /// a failing entry is reported and the others go on. Exit: the first failure's status.
    public func writeBatch(_ path: String, platform defaultPlatform: String?) throws {
        _ = try stream.lineLimit(environment)  // a bad limit is a usage error, not one per entry
        let batch = try BatchFile<JSONBatch>(path: path)
        for entry in batch.entries {
            var detail = (try? entry.get()).map(JSONBatch.Detail.init) ?? JSONBatch.Detail()
            do {
                let entry = try entry.get()
                let platform = entry.platform ?? defaultPlatform
                let shape = try views.shape(table: entry.name, platform: platform, lookups: settings.lookups + (entry.lookups ?? []))
                let (target, pretty) = try target(customer: entry.customer ?? settings.customer, name: entry.name, platform: platform,
                                                  customerType: entry.customerType, view: shape)
                let reader = try stream.reader(path: entry.input, environment)
                let teeSink = try entry.tee.map { try TeeTarget.file(FileSink(path: $0, gzip: false), $0) }
                detail.items = try convert(reader, source: entry.input, path: target, pretty: pretty, tee: teeSink, view: shape)
                detail.path = target
                try batch.emit(.init(detail, .ok()))
            } catch {
                try batch.emit(.init(detail, .failed(FailureRecord(error))))
            }
        }
        try batch.finish()
    }

    /// A customer id or file name becomes a path component: letters, digits, '.', '_', '-'.
    public static func checkComponent(_ value: String, _ what: String) throws {
        let allowed = value.allSatisfy { $0.isLetter || $0.isNumber || "._-".contains($0) }
        guard !value.isEmpty, allowed, value != ".", value != ".." else {
            throw Failure(.usage, "\(what) '\(value)' must be letters, digits, '.', '_' or '-' (it becomes part of a path)")
        }
    }

    /// The file a stream goes to, and how it is printed (nil: as lines).
    public func target(customer: String?, name: String?, platform: String?, customerType: String? = nil,
                       view: ViewShape? = nil) throws -> (path: String, pretty: PrettyPrinter?) {
        guard let dir = environment.resolve(settings.out, flag: "--out", env: ["REPORT_JSON_DIR"])?.value else {
            throw Failure(.usage, "missing --out DIR (or $REPORT_JSON_DIR)")
        }
        guard let customer = environment.resolve(customer, flag: "--customer", env: ["REPORT_CUSTOMER"])?.value else {
            throw Failure(.usage, "missing --customer ID (or $REPORT_CUSTOMER)")
        }
        guard let name else { throw Failure(.usage, "missing --name NAME") }
        try Self.checkComponent(customer, "--customer")
        try Self.checkComponent(name, "--name")
        let suffix = settings.gzip ? ".gz" : ""
        switch settings.layout {
        case .standard:
            let label = try period.resolve(environment).label
            return ("\(dir)/\(label)/\(customer)/\(name).\(settings.format.rawValue)\(suffix)", settings.format == .json ? PrettyPrinter() : nil)
        case .v2:
            guard settings.format == .json else { throw Failure(.usage, "--layout v2 writes json only") }
            guard let type = customerType ?? settings.customerType, RosterEntry.sites[type] != nil else {
                throw Failure(.usage, "--layout v2 needs --customer-type \(RosterEntry.customerTypes)")
            }
            let platformName: String
            switch platform?.lowercased() {
            case "vpc": platformName = "VPC"
            case "classic": platformName = "Classic"
            default: throw Failure(.usage, "--layout v2 needs --platform VPC or Classic")
            }
            let file = view?.table.fileName(customerType: type, platform: view?.platform ?? .vpc) ?? "\(type)_\(platformName)_\(name)"
            return ("\(dir)/\(customer)/\(file).json\(suffix)", PrettyPrinter(unescapeUnicode: true))
        }
    }

    /// One stream into one file; returns the count written (items, or a view's rows). Nothing
    /// is written unless it all was good.
    public func convert(_ reader: NDJSONReader, source: String, path: String, pretty: PrettyPrinter?, tee: TeeTarget?, view: ViewShape?) throws -> Int {
        let sink = try FileSink(path: path, gzip: settings.gzip)
        var committed = false
        defer {
            if !committed {
                sink.abandon()
                tee?.abandon()
            }
        }
        var items = 0  // input items: what a trailer counts
        var written = 0  // entries in the file
        var passed = 0  // lines passed on (a view's rows)
        var trailer: Int?
        func store(_ line: [UInt8], passOn: Bool = true) throws {
            if let pretty {
                try sink.withBuffer { buffer in
                    buffer.append(contentsOf: written == 0 ? Array("[\n    ".utf8) : Array(",\n    ".utf8))
                    line.withUnsafeBufferPointer { pretty.append($0, level: 1, to: &buffer) }
                }
            } else {
                try sink.append(line)
                try sink.append(CollectionOfOne(0x0A))
            }
            written += 1
            if passOn { try pass(line) }
        }
        func pass(_ line: [UInt8]) throws {
            // The trailer goes on only after our own commit: a reader must never see a complete
            // stream from a run that then failed to write its file.
            try tee?.writeLine(line, path: path)
            passed += 1
        }
        while let line = try reader.next() {
            if let trailer {
                throw Failure(.dataError, "line \(reader.lineNumber): data after the trailer (which counted \(trailer))", at: source)
            }
            let kind = try line.withUnsafeBufferPointer { bytes throws -> Trailer.Kind in
                let scanner = JSONScanner(bytes)
                do {
                    let end = try scanner.skipValue(from: 0)
                    guard scanner.firstNonWhitespace(from: end) == bytes.count else {
                        throw Failure(.dataError, "line \(reader.lineNumber): unexpected data after the JSON value", at: source)
                    }
                } catch let error as JSONParseError {
                    throw Failure(.dataError, "line \(reader.lineNumber): \(error)", at: source)
                }
                return Trailer.classify(bytes)
            }
            switch kind {
            case .malformed:
                throw Failure(.dataError, "line \(reader.lineNumber): a _trailer line that is not {\"_trailer\":{\"items\":N,\"complete\":true}}", at: source)
            case .trailer(let count):
                trailer = count
            case .data:
                items += 1
                if let view {
                    let item = try JSONParser.parse(line)
                    guard item.objectValue != nil else {
                        throw Failure(.dataError, "line \(reader.lineNumber): a view reads JSON objects, not \(line.first.map { Character(Unicode.Scalar($0)) } ?? " ")...", at: source)
                    }
                    // The file holds what v2 dumped (its records, or the item as fetched); the
                    // rows of its table are passed on.
                    let records = view.records(item)
                    if view.table.file == .source, !records.isEmpty {
                        try store(JSONValue.object(view.table.source(item)).compactBytes, passOn: false)
                    }
                    for record in records {
                        if view.table.file == .records { try store(JSONValue.object(record).compactBytes, passOn: false) }
                        try pass(JSONValue.object(view.table.row(record)).compactBytes)
                    }
                } else {
                    try store(line)
                }
            }
        }
        if stream.requireTrailer { try Trailer.check(seen: trailer, items: items, source: source) }
        if pretty != nil { try sink.append(written == 0 ? Array("[]\n".utf8) : Array("\n]\n".utf8)) }
        try tee?.flush(path: path)
        // A view's reader counts rows, not the items they came from.
        let passedOn = trailer.map { view == nil ? $0 : passed }
        // v2 wrote no file for an empty list.
        if written == 0, settings.skipEmpty || settings.layout == .v2 {
            Log.shared.info("no items; nothing written (--skip-empty)", ["path": path])
            try tee?.finish(trailer: passedOn, path: path)
            committed = true
            return 0
        }
        // A tee file (a batch entry's rows for the load) is in place before the JSON file, so a
        // file that exists always has its rows; stdout gets the trailer only after the commit.
        if case .file = tee { try tee?.finish(trailer: passedOn, path: path) }
        try sink.commit()
        committed = true
        if case .stdout = tee { try tee?.finish(trailer: passedOn, path: path) }
        Log.shared.info("wrote", ["path": path, "items": "\(written)"])
        return written
    }
}
