import ArgumentParser
import Foundation
import ReportKit

@main
struct NCPJSONCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ncp-json",
        abstract: "Save an NDJSON stream as a dated JSON file, whole or not at all.",
        discussion: """
            Reads NDJSON on stdin (or --input) and writes DIR/PERIOD/CUSTOMER/NAME.json (a JSON array, indented) or NAME.ndjson (one object per line); --gzip adds .gz. Every line is validated; the first bad one fails the run with exit 65 and `line N: reason`, and the previous file stays as it was. Bad means not JSON, not UTF-8, an escape no database stores (\\u0000, a lone surrogate) or longer than --max-line-bytes (64 MiB unless raised). The file appears only when the whole stream was good: it is written to an unnamed temporary file in the same folder, flushed to disk and renamed into place, so a crash, kill -9, full disk or bad line leaves nothing behind.

            --require-trailer demands ncp-fetch's completeness trailer as the last line, with the right count; the trailer is passed on with --tee but never stored. --tee copies each validated line to stdout; if that reader goes away nothing is written (exit 74). An empty stream writes an empty file ([] for json) unless --skip-empty.

            --layout v2 writes the v2 system's path and format instead, so its consumers keep working: DIR/CUSTOMER/<type>_<Platform>_<name>.json, indented, Korean text unescaped.

            --view v2 makes of each item what the v2 system made of it for the table --name (server_list, serverimage_list, block_storage_list, nas_metric, metric_list, MYSQL_list, ...; --platform picks the VPC or Classic fields; --list-views prints them all). The file holds what v2 dumped: NCP's item with v2's keys added or replaced (GB sizes, codes, joined names), or the records v2 built per Cloud DB node or data point. --tee passes on the table's rows: v2's columns in v2's order, customer_id and datetime (the run's start, YYYY-MM-DD HH:MM, from --now/$REPORT_NOW) first, names looked up in the lists given with --lookup (NDJSON from ncp-fetch: vpc, server, product, server-image-product, mysql, nas-volume; each read and indexed once, not per item); a trailer passed on counts rows. With --layout v2 an empty list writes no file, as v2 did.

            Examples:
              ncp-fetch server --trailer | ncp-json --out json --customer alpha --name server --require-trailer
              ncp-fetch server --trailer | ncp-json --out json --customer alpha --name server --require-trailer --tee | ncp-load ...
              ncp-json --out json --customer alpha --name server_list --layout v2 --customer-type pri --platform VPC < servers.ndjson
              ncp-json --out json --customer alpha --name server_list --layout v2 --view v2 --customer-type pri --platform VPC --lookup vpcs.ndjson --lookup products.ndjson --tee < servers.ndjson | ncp-load --table pri_VPC_server_list --partition period=2026-10 --partition customer_id=alpha
              ncp-json --out json --period 2026-10 --require-trailer --batch entries.ndjson   # {"input":"a.ndjson","customer":"alpha","name":"vpc-server"} per line

            --batch converts many saved streams in one run (ncp-report does this per table, so the cost of starting a process is paid once): each entry is checked and written exactly as a single run would (an entry may also give "customerType", "platform", "lookups": [FILE...] and "tee": FILE, where the passed-on stream is written), a failing entry is reported ({"customer","name","status":"failed","exit","error"}) and the others go on; the exit status is the first failure's.

            Exit status:
            \(ExitStatus.helpTable)
            """,
        version: ToolVersion.current
    )

    @Option(help: ArgumentHelp("Folder to write under ($REPORT_JSON_DIR).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Customer id: a path component ($REPORT_CUSTOMER).", valueName: "id"))
    var customer: String?

    @Option(help: ArgumentHelp("File name without extension (letters, digits, . _ -).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("Convert many streams in one run: NDJSON entries {\"input\": FILE, \"customer\": ID, \"name\": NAME}; one report line per entry on stdout.", valueName: "file"))
    var batch: String?

    @Option(help: ArgumentHelp("json (an indented array) or ndjson.", valueName: "json|ndjson"))
    var format: FileFormat = .json

    @Flag(help: "Compress with gzip (adds .gz).")
    var gzip = false

    @Flag(help: "Copy each validated line to stdout.")
    var tee = false

    @Flag(help: "Write no file when the stream has no items.")
    var skipEmpty = false

    @Option(help: ArgumentHelp("standard or v2 (the v2 system's paths and format).", valueName: "standard|v2"))
    var layout: FileLayout = .standard

    @Option(help: ArgumentHelp("With --layout v2: pri, gov or fin (the file and table name prefix).", valueName: "pri|gov|fin"))
    var customerType: CustomerType?

    @Option(name: .customLong("platform"), help: ArgumentHelp("With --layout v2 or --view: VPC or Classic, either case.", valueName: "VPC|Classic"))
    var platformFlag: Platform?

    /// `--platform` as a batch entry's "platform" is read.
    var platform: String? { platformFlag?.rawValue }


    @Option(help: ArgumentHelp("Write the rows of this view's table --name instead of the items (v2).", valueName: "view"))
    var view: String?

    @Option(help: ArgumentHelp("With --view: an NDJSON list the view looks names up in (repeatable).", valueName: "file"))
    var lookup: [String] = []

    @Flag(help: "Print every view's tables and columns, then exit.")
    var listViews = false

    @OptionGroup var period: PeriodOptions
    @OptionGroup var stream: StreamInputOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        await ToolMain.run(tool: "ncp-json", logging: logging) { try execute() }
    }

    static func checkComponent(_ value: String, _ what: String) throws {
        let allowed = value.allSatisfy { $0.isLetter || $0.isNumber || "._-".contains($0) }
        guard !value.isEmpty, allowed, value != ".", value != ".." else {
            throw Failure(.usage, "\(what) '\(value)' must be letters, digits, '.', '_' or '-' (it becomes part of a path)")
        }
    }

    func target(_ environment: EnvironmentFallback, customer: String?, name: String?, platform: String?,
                customerType: String? = nil, view: ViewShape? = nil) throws -> (path: String, pretty: PrettyPrinter?) {
        guard let dir = environment.resolve(out, flag: "--out", env: ["REPORT_JSON_DIR"])?.value else {
            throw Failure(.usage, "missing --out DIR (or $REPORT_JSON_DIR)")
        }
        guard let customer = environment.resolve(customer, flag: "--customer", env: ["REPORT_CUSTOMER"])?.value else {
            throw Failure(.usage, "missing --customer ID (or $REPORT_CUSTOMER)")
        }
        guard let name else { throw Failure(.usage, "missing --name NAME") }
        try Self.checkComponent(customer, "--customer")
        try Self.checkComponent(name, "--name")
        let suffix = gzip ? ".gz" : ""
        switch layout {
        case .standard:
            let label = try period.resolve(environment).label
            return ("\(dir)/\(label)/\(customer)/\(name).\(format.rawValue)\(suffix)", format == .json ? PrettyPrinter() : nil)
        case .v2:
            guard format == .json else { throw Failure(.usage, "--layout v2 writes json only") }
            guard let type = customerType ?? self.customerType?.rawValue, RosterEntry.sites[type] != nil else {
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

    func execute() throws {
        if listViews { return try printViews() }
        let environment = EnvironmentFallback()
        let views = try ViewSelection(view: view, environment: environment, period: period)
        if let batch { return try runBatch(batch, environment: environment, views: views) }
        let shape = try views.shape(table: name, platform: platform, lookups: lookup)
        let (path, pretty) = try target(environment, customer: customer, name: name, platform: platform, view: shape)
        _ = try convert(try stream.reader(environment), source: stream.source, path: path, pretty: pretty, tee: tee ? .stdout : nil, view: shape)
    }

    func printViews() throws {
        for view in View.all {
            for table in view.tables {
                for platform in table.platforms {
                    try OutputStream.stdout.writeLine(JSONValue.object(JSONObject([
                        ("view", .string(view.name)), ("name", .string(table.name)), ("resource", .string(table.resource)),
                        ("platform", .string(platform.rawValue)), ("table", .string(table.tableName(customerType: "pri", platform: platform))),
                        ("file", .string("\(table.fileName(customerType: "pri", platform: platform)).json")),
                        ("columns", .array(table.columns.map { .string($0) })),
                        ("assignments", .object(JSONObject(table.assignments.map {
                            ($0.key, .string(platform == .vpc ? $0.text.vpc : $0.text.classic))
                        }))),
                        ("lookups", .array(table.lookups(platform).sorted().map { .string($0) })),
                    ])).compactBytes)
                }
            }
        }
        try OutputStream.stdout.flush()
    }

    /// `--batch`: every entry converted as a single run would, each file whole or not at all;
    /// a failing entry is reported and the others go on. Exit: the first failure's status.
    func runBatch(_ path: String, environment: EnvironmentFallback, views: ViewSelection) throws {
        guard !tee, customer == nil, name == nil, stream.input == "-" else {
            throw Failure(.usage, "--batch takes customer, name and input from its entries; --tee, --customer, --name and --input do not apply")
        }
        _ = try stream.lineLimit(environment)  // a bad limit is a usage error, not one per entry
        let batch = try BatchFile(path: path)
        for (index, entry) in batch.entries.enumerated() {
            let customer = entry["customer"]?.stringValue, name = entry["name"]?.stringValue
            var report = JSONObject([("customer", customer.map { .string($0) } ?? .null), ("name", name.map { .string($0) } ?? .null)])
            do {
                guard let input = entry["input"]?.stringValue else { throw Failure(.dataError, "entry \(index + 1) has no input", at: path) }
                let platform = entry["platform"]?.stringValue ?? self.platform
                let lookups = try (entry["lookups"]?.arrayValue ?? []).map { value throws -> String in
                    guard let file = value.stringValue else { throw Failure(.dataError, "entry \(index + 1): lookups must be file names", at: path) }
                    return file
                }
                let shape = try views.shape(table: name, platform: platform, lookups: lookup + lookups)
                let (target, pretty) = try target(environment, customer: customer, name: name, platform: platform,
                                                  customerType: entry["customerType"]?.stringValue, view: shape)
                let reader = try stream.reader(path: input, environment)
                let teeSink = try entry["tee"]?.stringValue.map { try TeeTarget.file(FileSink(path: $0, gzip: false), $0) }
                let items = try convert(reader, source: input, path: target, pretty: pretty, tee: teeSink, view: shape)
                report["path"] = .string(target)
                report["status"] = "ok"
                report["items"] = .int(items)
            } catch {
                BatchFile.fail(&report, error)
            }
            try batch.emit(report)
        }
        try batch.finish()
    }

    /// One stream into one file; returns the count written (items, or a view's rows). Nothing
    /// is written unless it all was good.
    func convert(_ reader: NDJSONReader, source: String, path: String, pretty: PrettyPrinter?, tee: TeeTarget?, view: ViewShape?) throws -> Int {
        let sink = try FileSink(path: path, gzip: gzip)
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
        if written == 0, skipEmpty || layout == .v2 {
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
