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

    /// Calls `body` with each item's bytes (a scanner over the file and the item's range), for
    /// readers that take a few fields of many items without building values (metric series).
    public static func forEachRaw(_ path: String, _ body: (JSONScanner, Range<Int>) throws -> Void) throws {
        guard var bytes = FileManager.default.contents(atPath: path).map({ [UInt8]($0) }) else {
            throw Failure(.noInput, "cannot read the file", at: path)
        }
        if path.hasSuffix(".gz") { bytes = try GzipEncoder.decompress(bytes) }
        let isLines = path.hasSuffix(".ndjson") || path.hasSuffix(".ndjson.gz")
        do {
            try bytes.withUnsafeBufferPointer { buffer in
                let scanner = JSONScanner(buffer)
                if isLines {
                    var start = 0
                    var number = 0
                    while start < buffer.count {
                        var end = start
                        while end < buffer.count, buffer[end] != 0x0A { end += 1 }
                        number += 1
                        let first = scanner.firstNonWhitespace(from: start)
                        if first < end, buffer[first] == UInt8(ascii: "{") {
                            do {
                                // The reader of the item checks it as it goes (forEachMember).
                                if !(isTrailer(buffer, first..<end)) { try body(scanner, first..<end) }
                            } catch let error as JSONParseError {
                                throw Failure(.dataError, "line \(number): \(error)", at: path)
                            }
                        } else if first < end {
                            throw Failure(.dataError, "line \(number): not a JSON object", at: path)
                        }
                        start = end + 1
                    }
                    return
                }
                let start = scanner.firstNonWhitespace(from: 0)
                guard start < buffer.count, buffer[start] == UInt8(ascii: "[") else {
                    throw Failure(.dataError, "not a JSON array of items", at: path)
                }
                let end = try scanner.skipValue(from: start)
                try scanner.forEachElement(of: start..<end) { try body(scanner, $0) }
            }
        } catch let error as JSONParseError {
            throw Failure(.dataError, "\(error)", at: path)
        }
    }

    static func isTrailer(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        range.count < 80 && String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self).hasPrefix("{\"_trailer\"")
    }

    /// The text of a JSON string at `range` (escapes resolved), or of a number as written.
    public static func text(_ scanner: JSONScanner, _ range: Range<Int>) -> String? {
        let bytes = UnsafeBufferPointer(rebasing: scanner.bytes[range])
        guard let first = bytes.first else { return nil }
        if first == UInt8(ascii: "\""), !bytes.contains(UInt8(ascii: "\\")), bytes.count >= 2 {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[1..<(bytes.count - 1)]), as: UTF8.self)
        }
        return (try? JSONParser.parse(bytes))?.scalarText
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
