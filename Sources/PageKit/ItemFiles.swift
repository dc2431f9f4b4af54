import Foundation
import ReportKit

/// The dated files of one customer and period (standard layout: `PLATFORM-RESOURCE.json`, an
/// indented array, or `.ndjson`; either may be gzipped), read one item at a time.
public enum ItemFiles {
    public struct File: Sendable, Equatable {
        public var platform: String
        /// The catalog name, or a pseudo resource (`server-metrics`, `nas-usage`, …).
        public var resource: String
        public var path: String
    }

    /// The customer folder's data files, by name.
    public static func list(_ folder: String) -> [File] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().compactMap { name in
            var stem = name
            for suffix in [".gz", ".json", ".ndjson"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count) }
            guard stem != name, let dash = stem.firstIndex(of: "-") else { return nil }
            let platform = String(stem[..<dash])
            guard platform == "vpc" || platform == "classic" else { return nil }
            return File(platform: platform, resource: String(stem[stem.index(after: dash)...]), path: "\(folder)/\(name)")
        }
    }

    /// Calls `body` with each item of a file; a file that is not JSON is exit 65 naming it.
    public static func forEach(_ path: String, _ body: (JSONValue) throws -> Void) throws {
        guard var bytes = FileManager.default.contents(atPath: path).map({ [UInt8]($0) }) else {
            throw Failure(.noInput, "cannot read the file", at: path)
        }
        if path.hasSuffix(".gz") { bytes = try GzipEncoder.decompress(bytes) }
        let isLines = path.hasSuffix(".ndjson") || path.hasSuffix(".ndjson.gz")
        do {
            if isLines {
                var number = 0
                for line in bytes.split(separator: 0x0A) where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
                    number += 1
                    let item: JSONValue
                    do { item = try JSONParser.parse(Array(line)) } catch { throw Failure(.dataError, "line \(number): \(error)", at: path) }
                    if item["_trailer"] == nil { try body(item) }
                }
                return
            }
            try bytes.withUnsafeBufferPointer { buffer in
                let scanner = JSONScanner(buffer)
                let start = scanner.firstNonWhitespace(from: 0)
                guard start < buffer.count, buffer[start] == UInt8(ascii: "[") else {
                    throw Failure(.dataError, "not a JSON array of items", at: path)
                }
                let end = try scanner.skipValue(from: start)
                try scanner.forEachElement(of: start..<end) { range in
                    try body(try JSONParser.parse(Array(buffer[range])))
                }
            }
        } catch let error as JSONParseError {
            throw Failure(.dataError, "\(error)", at: path)
        }
    }
}
