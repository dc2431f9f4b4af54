import Foundation
import NCPKit
import ReportKit

/// `--view`: which view, the run time its `datetime` columns carry, and the lookup lists
/// (each file indexed once and kept while consecutive batch entries name it).
public final class ViewSelection {
    public let view: View?
    public let runTime: String
    /// Indexed lookup lists (lookup name → key → value) by file: the last entry's only, so a
    /// batch over many customers holds one customer's lists at a time.
    private var indexed: [String: [String: [String: JSONValue]]] = [:]

    public init(view name: String?, environment: EnvironmentFallback, period: PeriodOptions) throws {
        if let name {
            guard let view = View.named(name) else {
                throw Failure(.usage, "unknown --view '\(name)' (known: \(View.all.map(\.name).joined(separator: ", ")))")
            }
            self.view = view
        } else {
            view = nil
        }
        let resolver = try period.resolver(environment)
        runTime = Timestamps.iso8601(resolver.now, in: resolver.timeZone)
    }

    /// The table `name` on `platform` with its lookups loaded; nil without --view.
    public func shape(table name: String?, platform: String?, lookups: [String]) throws -> ViewShape? {
        guard let view else {
            guard lookups.isEmpty else { throw Failure(.usage, "--lookup needs --view") }
            return nil
        }
        guard let name, let table = view.table(named: name) else {
            throw Failure(.usage, "--view \(view.name) needs --name naming one of its tables: \(view.tables.map(\.name).joined(separator: ", "))")
        }
        guard let platform = platform.flatMap({ Platform(rawValue: $0.lowercased()) }), table.platforms.contains(platform) else {
            throw Failure(.usage, "--view \(view.name) --name \(name) needs --platform \(table.platforms.map { ViewTable.platformLabel($0) }.joined(separator: " or "))")
        }
        var context = ViewContext(runTime: runTime, view: view)
        var kept: [String: [String: [String: JSONValue]]] = [:]
        for file in lookups {
            let lists = try indexed[file] ?? index(file, view: view)
            kept[file] = lists
            context.lookups.merge(lists) { $0.merging($1) { _, new in new } }
        }
        indexed = kept
        let missing = table.lookups(platform).filter { context.lookups[$0] == nil }
        if !missing.isEmpty {
            Log.shared.debug("no list to look up from; those columns fall back to codes or stay empty", ["lookups": missing.sorted().joined(separator: ",")])
        }
        return ViewShape(table: table, platform: platform, context: context)
    }

    /// Every view's tables and columns, one JSON object per table and platform (`--list-views`).
    public static func catalog() -> [JSONValue] {
        var lines: [JSONValue] = []
        for view in View.all {
            for table in view.tables {
                for platform in table.platforms {
                    lines.append(JSONValue.object(JSONObject([
                        ("view", .string(view.name)), ("name", .string(table.name)), ("resource", .string(table.resource)),
                        ("platform", .string(platform.rawValue)), ("table", .string(table.tableName(customerType: "pri", platform: platform))),
                        ("file", .string("\(table.fileName(customerType: "pri", platform: platform)).json")),
                        ("columns", .array(table.columns.map { .string($0) })),
                        ("assignments", .object(JSONObject(table.assignments.map {
                            ($0.key, .string(platform == .vpc ? $0.text.vpc : $0.text.classic))
                        }))),
                        ("lookups", .array(table.lookups(platform).sorted().map { .string($0) })),
                    ])))
                }
            }
        }
        return lines
    }

    private func index(_ file: String, view: View) throws -> [String: [String: JSONValue]] {
        let reader = try NDJSONReader(path: file, what: "the lookup list")
        var context = ViewContext(runTime: runTime)
        while let item = try reader.nextValue() {
            if item["_trailer"] == nil { context.index(item, view: view) }
        }
        return context.lookups
    }
}

/// One view table, ready to turn items into rows.
public struct ViewShape {
    public let table: ViewTable
    public let platform: Platform
    public let context: ViewContext

    public func records(_ item: JSONValue) -> [JSONObject] { table.records(item, platform: platform, context: context) }
}

/// Where `--tee` (stdout) or a batch entry's "tee" (a file, written whole or not at all) gets
/// the passed-on stream.
public enum TeeTarget {
    case stdout
    case file(FileSink, String)

    public func writeLine(_ line: [UInt8], path: String) throws {
        switch self {
        case .stdout:
            do { try OutputStream.stdout.writeLine(line) } catch is BrokenPipe {
                throw Failure(.ioError, "the reader of --tee went away; nothing was written", at: path)
            }
        case .file(let sink, _):
            try sink.append(line)
            try sink.append(CollectionOfOne(0x0A))
        }
    }

    public func flush(path: String) throws {
        guard case .stdout = self else { return }
        do { try OutputStream.stdout.flush() } catch is BrokenPipe {
            throw Failure(.ioError, "the reader of --tee went away; nothing was written", at: path)
        }
    }

    /// After the file's commit: the trailer (if the input had one), then the tee file's commit.
    public func finish(trailer: Int?, path: String) throws {
        switch self {
        case .stdout:
            guard let trailer else { return }
            do {
                try OutputStream.stdout.writeLine(Trailer.line(items: trailer))
                try OutputStream.stdout.flush()
            } catch is BrokenPipe {
                throw Failure(.ioError, "the reader of --tee went away after the file was written", at: path)
            }
        case .file(let sink, _):
            if let trailer {
                try sink.append(Trailer.line(items: trailer).compactBytes)
                try sink.append(CollectionOfOne(0x0A))
            }
            try sink.commit()
        }
    }

    public func abandon() {
        if case .file(let sink, _) = self { sink.abandon() }
    }
}
