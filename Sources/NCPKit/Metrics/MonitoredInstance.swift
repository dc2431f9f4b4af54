import ReportKit

/// Something to ask Cloud Insight or the NAS rating API about, read from the NDJSON that
/// `ncp-fetch` prints (or any objects carrying an instance number), or from `--instance`.
public struct MonitoredInstance: Sendable, Equatable {
    public let number: String
    public let name: String
    public let platform: Platform?
    public let region: String?

    public init(number: String, name: String, platform: Platform? = nil, region: String? = nil) {
        self.number = number
        self.name = name
        self.platform = platform
        self.region = region
    }

    /// Servers (`serverInstanceNo`/`serverName`), anything with `instanceNo`, and Cloud DB
    /// instances (one per node of their `…ServerInstanceList`). A trailer line yields nothing.
    public static func servers(in value: JSONValue) -> [MonitoredInstance]? {
        guard let object = value.objectValue else { return nil }
        if object["_trailer"] != nil { return [] }
        let platform = object["_platform"]?.stringValue.flatMap { Platform(rawValue: $0.lowercased()) }
        let region = object["_region"]?.stringValue
        if let number = object["serverInstanceNo"]?.scalarText ?? object["instanceNo"]?.scalarText {
            let name = object["serverName"]?.stringValue ?? object["instanceName"]?.stringValue ?? number
            return [MonitoredInstance(number: number, name: name, platform: platform, region: region)]
        }
        for (key, nodes) in object.pairs where key.lowercased().hasSuffix("serverinstancelist") {
            return (nodes.arrayValue ?? []).compactMap { node in
                guard let fields = node.objectValue,
                    let number = fields.pairs.first(where: { $0.key.hasSuffix("ServerInstanceNo") })?.value.scalarText
                else { return nil }
                let name = fields.pairs.first(where: { $0.key.hasSuffix("ServerName") })?.value.stringValue ?? number
                return MonitoredInstance(number: number, name: name, platform: platform, region: region)
            }
        }
        return nil
    }

    /// NAS volumes (`nasVolumeInstanceNo`/`volumeName`).
    public static func volumes(in value: JSONValue) -> [MonitoredInstance]? {
        guard let object = value.objectValue else { return nil }
        if object["_trailer"] != nil { return [] }
        guard let number = object["nasVolumeInstanceNo"]?.scalarText else { return nil }
        return [MonitoredInstance(
            number: number, name: object["volumeName"]?.stringValue ?? number,
            platform: object["_platform"]?.stringValue.flatMap { Platform(rawValue: $0.lowercased()) },
            region: object["_region"]?.stringValue)]
    }

    /// Reads every instance from NDJSON; a line without one is exit 65 naming the line.
    public static func read(
        from reader: NDJSONReader, expecting what: String, _ extract: (JSONValue) -> [MonitoredInstance]?
    ) throws -> [MonitoredInstance] {
        var result: [MonitoredInstance] = []
        var seen = Set<String>()
        while let value = try reader.nextValue() {
            guard let found = extract(value) else {
                throw Failure(.dataError, "line \(reader.lineNumber): no \(what) in this object", at: reader.source)
            }
            for instance in found where seen.insert(instance.number).inserted { result.append(instance) }
        }
        return result
    }

    /// `--instance 123` or `--instance 123=web-01`.
    public static func parse(_ argument: String, platform: Platform?) throws(Failure) -> MonitoredInstance {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard let number = parts.first, !number.isEmpty, number.allSatisfy(\.isNumber) else {
            throw Failure(.usage, "--instance takes an instance number, optionally =name; got '\(argument)'")
        }
        return MonitoredInstance(number: number, name: parts.count > 1 ? parts[1] : number, platform: platform)
    }

    /// Runs `fetch` for every instance, at most `concurrency` at once, printing each one's lines
    /// in input order. A failing instance is logged and counted; the others go on.
    public static func each(
        _ instances: [MonitoredInstance], concurrency: Int, emit: ([UInt8]) throws -> Void,
        _ fetch: @escaping @Sendable (MonitoredInstance) async throws -> [[UInt8]]
    ) async throws -> MetricsFetcher.Outcome {
        var outcome = MetricsFetcher.Outcome()
        try await Concurrently.forEach(instances, limit: concurrency, { instance -> Result<[[UInt8]], any Error> in
            do {
                return .success(try await fetch(instance))
            } catch let error as CancellationError {
                throw error
            } catch {
                return .failure(error)
            }
        }) { index, result in
            switch result {
            case .success(let lines):
                for line in lines { try emit(line) }
                outcome.points += lines.count
            case .failure(let error):
                let instance = instances[index]
                Log.shared.error(error, ["instanceNo": instance.number, "instanceName": instance.name])
                outcome.failures.append((instance.number, error))
            }
        }
        return outcome
    }
}
