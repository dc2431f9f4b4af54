import ArgumentParser
import Foundation
import FileKit
import NCPKit
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

            --batch converts many saved streams in one run (ncp-report does this per table, so the cost of starting a process is paid once): each entry is checked and written exactly as a single run would (an entry may also give "customerType", "platform", "lookups": [FILE...] and "tee": FILE, where the passed-on stream is written), a failing entry is reported ({"customer","name","status":"failed","exit","error","kind"}) and the others go on; the exit status is the first failure's.

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

    @Option(help: "What a standard file holds: an indented array (json) or one object per line (ndjson).")
    var format: FileFormat = .json

    @Flag(help: "Compress with gzip (adds .gz).")
    var gzip = false

    @Flag(help: "Copy each validated line to stdout.")
    var tee = false

    @Flag(help: "Write no file when the stream has no items.")
    var skipEmpty = false

    @Option(help: "Paths and format: standard, or the v2 system's (v2).")
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

    func execute() throws {
        if listViews {
            for line in ViewSelection.catalog() { try OutputStream.stdout.writeLine(line) }
            return try OutputStream.stdout.flush()
        }
        var settings = JSONFileWriter.Settings()
        settings.out = out
        settings.customer = customer
        settings.customerType = customerType?.rawValue
        settings.layout = layout
        settings.format = format
        settings.gzip = gzip
        settings.skipEmpty = skipEmpty
        settings.lookups = lookup
        let writer = try JSONFileWriter(settings, view: view, period: period, stream: stream)
        guard let batch else { return try writer.writeOne(name: name, platform: platform, tee: tee) }
        guard !tee, customer == nil, name == nil, stream.input == "-" else {
            throw Failure(.usage, "--batch takes customer, name and input from its entries; --tee, --customer, --name and --input do not apply")
        }
        try writer.writeBatch(batch, platform: platform)
    }
}
