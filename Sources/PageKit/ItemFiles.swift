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

    /// Calls `body` with each item's bytes (a scanner over a buffer and the item's range, valid
    /// during the call), for readers that take a few fields of many items without building
    /// values (metric series). The file is read in chunks, so memory follows the largest item,
    /// not the file (a gzipped file is inflated whole first).
    public static func forEachRaw(_ path: String, _ body: (JSONScanner, Range<Int>) throws -> Void) throws {
        let isLines = path.hasSuffix(".ndjson") || path.hasSuffix(".ndjson.gz")
        var source = try ChunkSource(path: path)
        do {
            if isLines { try lines(&source, path: path, body) } else { try array(&source, path: path, body) }
        } catch let error as JSONParseError {
            throw Failure(.dataError, "\(error)", at: path)
        }
    }

    /// Calls `body` with each item of a file; a file that is not JSON is exit 65 naming it.
    public static func forEach(_ path: String, _ body: (JSONValue) throws -> Void) throws {
        try forEachRaw(path) { scanner, range in
            let item: JSONValue
            do { item = try JSONParser.parse(UnsafeBufferPointer(rebasing: scanner.bytes[range])) } catch {
                throw Failure(.dataError, "\(error)", at: path)
            }
            try body(item)
        }
    }

    /// NDJSON: one object per line; the trailer and blank lines are skipped.
    static func lines(_ source: inout ChunkSource, path: String, _ body: (JSONScanner, Range<Int>) throws -> Void) throws {
        var number = 0
        while let (buffer, range) = try source.nextLine() {
            number += 1
            try buffer.withUnsafeBufferPointer { bytes in
                let scanner = JSONScanner(bytes)
                let first = scanner.firstNonWhitespace(from: range.lowerBound)
                guard first < range.upperBound else { return }
                guard bytes[first] == UInt8(ascii: "{") else { throw Failure(.dataError, "line \(number): not a JSON object", at: path) }
                let end: Int
                do { end = try scanner.skipValue(from: first) } catch { throw Failure(.dataError, "line \(number): \(error)", at: path) }
                guard end <= range.upperBound, scanner.firstNonWhitespace(from: end) >= range.upperBound else {
                    throw Failure(.dataError, "line \(number): unexpected data after the JSON object", at: path)
                }
                if case .data = Trailer.classify(UnsafeBufferPointer(rebasing: bytes[first..<end])) { try body(scanner, first..<end) }
            }
        }
    }

    /// A JSON array, element by element: each element is scanned in the buffer and, when it
    /// runs past the bytes read so far, scanned again after the next chunk.
    static func array(_ source: inout ChunkSource, path: String, _ body: (JSONScanner, Range<Int>) throws -> Void) throws {
        var expectingElement = true
        var sawOpening = false
        var count = 0
        while true {
            guard let byte = try source.nextNonWhitespace() else {
                throw Failure(.dataError, sawOpening ? "the array of items ends early" : "not a JSON array of items", at: path)
            }
            if !sawOpening {
                guard byte == UInt8(ascii: "[") else { throw Failure(.dataError, "not a JSON array of items", at: path) }
                sawOpening = true
                source.advance(1)
                continue
            }
            if byte == UInt8(ascii: "]"), count == 0 || !expectingElement {
                source.advance(1)
                guard try source.nextNonWhitespace() == nil else { throw Failure(.dataError, "unexpected data after the array", at: path) }
                return
            }
            if !expectingElement {
                guard byte == UInt8(ascii: ",") else { throw Failure(.dataError, "expected ',' or ']' after item \(count)", at: path) }
                source.advance(1)
                expectingElement = true
                continue
            }
            let consumed = try source.withValue { scanner, range in try body(scanner, range) }
            source.advance(consumed)
            count += 1
            expectingElement = false
        }
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
}

/// A file's bytes a chunk at a time (or a gzipped file inflated whole), with a cursor.
struct ChunkSource {
    static let chunk = 1 << 20
    private var buffer: [UInt8] = []
    private var position = 0
    private var handle: FileHandle?
    private(set) var finished = false
    let path: String

    init(path: String) throws {
        self.path = path
        if path.hasSuffix(".gz") {
            guard let data = FileManager.default.contents(atPath: path) else { throw Failure(.noInput, "cannot read the file", at: path) }
            buffer = try GzipEncoder.decompress([UInt8](data))
            finished = true
        } else {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(.noInput, "cannot read the file", at: path) }
            self.handle = handle
        }
    }

    /// Reads the next chunk (dropping what was consumed); false at the end of the file.
    mutating func fill() throws -> Bool {
        guard !finished, let handle else { return false }
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        let data: Data
        do { data = try handle.read(upToCount: ChunkSource.chunk) ?? Data() } catch {
            throw Failure(.ioError, "cannot read the file: \(error.localizedDescription)", at: path)
        }
        if data.isEmpty {
            finished = true
            try? handle.close()
            return false
        }
        buffer.append(contentsOf: data)
        return true
    }

    mutating func advance(_ count: Int) { position += count }

    /// The next byte that is not whitespace (not consumed), or nil at the end.
    mutating func nextNonWhitespace() throws -> UInt8? {
        while true {
            while position < buffer.count {
                switch buffer[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return buffer[position]
                }
            }
            guard try fill() else { return nil }
        }
    }

    /// The next line (without its newline) as a buffer and range, or nil at the end.
    mutating func nextLine() throws -> ([UInt8], Range<Int>)? {
        var searched = position
        while true {
            if let newline = buffer[searched...].firstIndex(of: 0x0A) {
                let range = position..<newline
                position = newline + 1
                return (buffer, range)
            }
            searched = buffer.count
            let start = position
            guard try fill() else {
                guard start < buffer.count else { return nil }
                let range = position..<buffer.count
                position = buffer.count
                return (buffer, range)
            }
            searched -= start  // the buffer was compacted by `start` bytes
        }
    }

    /// Scans the value at the cursor, reading more until it is whole; calls `body` with it and
    /// returns its length.
    mutating func withValue(_ body: (JSONScanner, Range<Int>) throws -> Void) throws -> Int {
        while true {
            let start = position
            let result: Result<Int, JSONParseError> = buffer.withUnsafeBufferPointer { bytes in
                Result { () throws(JSONParseError) -> Int in try JSONScanner(bytes).skipValue(from: start) }
            }
            switch result {
            case .success(let end):
                try buffer.withUnsafeBufferPointer { bytes in try body(JSONScanner(bytes), start..<end) }
                return end - start
            case .failure(let error):
                // Cut short by the chunk's end: read on and scan it again; at the end, it is bad.
                guard try fill() else { throw error }
            }
        }
    }
}
