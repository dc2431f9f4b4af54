import FuzzSupport
import NCPKit
import ReportKit

/// JSONParser and JSONScanner on arbitrary bytes (what NCP answers and every NDJSON line pass
/// through). Besides crashes, it checks what the code promises: the scanner accepts exactly
/// what the parser accepts, with the same error; a parsed value written compactly, by the
/// scanner, or pretty-printed reads back as the same value; the scanner's members and elements
/// are the parser's; `RawItem.field` agrees with the tree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let scanner = JSONScanner(bytes)

    var parsed: JSONValue?
    var parseError: JSONParseError?
    do { parsed = try JSONParser.parse(bytes) } catch { parseError = error }

    var scanError: JSONParseError?
    var end = 0
    do {
        end = try scanner.skipValue(from: 0)
        let after = scanner.firstNonWhitespace(from: end)
        if after != size { scanError = JSONParseError(reason: "unexpected data after the JSON value", offset: after) }
    } catch {
        scanError = error
    }
    require((parsed == nil) == (scanError != nil), "parser \(parsed == nil ? "refuses" : "accepts") what the scanner \(scanError == nil ? "accepts" : "refuses")")
    if let parseError, let scanError {
        require(parseError == scanError, "parser says \(parseError), scanner says \(scanError)")
    }
    _ = RawItem(bytes: Array(bytes)).field("id")
    guard let value = parsed else { return 0 }
    let start = scanner.firstNonWhitespace(from: 0)

    // Written compactly, the value reads back the same.
    let compact = value.compactBytes
    require((try? JSONParser.parse(compact)) == value, "compactBytes does not parse back to the value")
    // The scanner's compaction (strings untouched) means the same; byte for byte the same as
    // compactBytes when nothing was escaped (the parser decodes keys and writes them again).
    var scanned: [UInt8] = []
    scanner.appendCompact(start..<end, to: &scanned)
    require((try? JSONParser.parse(scanned)) == value, "appendCompact does not parse back to the value")
    if !bytes.contains(UInt8(ascii: "\\")) { require(scanned == compact, "appendCompact and compactBytes differ") }

    // Pretty-printed (as ncp-json writes files), it reads back the same; with \u escapes
    // decoded, the same strings.
    for indent in [0, 4] {
        var pretty: [UInt8] = []
        PrettyPrinter(indent: indent).append(bytes, level: 0, to: &pretty)
        require((try? JSONParser.parse(pretty)) == value, "PrettyPrinter(indent: \(indent)) output does not parse back to the value")
        var decoded: [UInt8] = []
        PrettyPrinter(indent: indent, unescapeUnicode: true).append(bytes, level: 1, to: &decoded)
        let reread = try? JSONParser.parse(decoded)
        require(reread.map { sameMeaning($0, value) } ?? false, "PrettyPrinter(unescapeUnicode) output does not mean the value")
    }

    // The scanner walks the same members and elements the parser found.
    switch value {
    case .object(let object):
        var index = 0
        let past = try? scanner.forEachMember(of: start..<end) { key, range in
            require(index < object.pairs.count, "forEachMember finds more members than the parser")
            let pair = object.pairs[index]
            require(JSONString(escaped: String(decoding: key, as: UTF8.self)).value == pair.key, "forEachMember key differs")
            require((try? JSONParser.parse(Array(bytes[range]))) == pair.value, "forEachMember value range differs for \(pair.key.debugDescription)")
            index += 1
            return true
        }
        require(past == end && index == object.pairs.count, "forEachMember ends elsewhere than the parser")
        // RawItem.field reads the first member of that (unescaped) name, as the tree does.
        let item = RawItem(bytes: compact)
        for key in object.keys where JSONString(key).escaped == key {
            let expected: String?
            switch object[key] {
            case .string(let s): expected = s.value
            case .number(let n): expected = n
            default: expected = nil
            }
            require(item.field(key) == expected, "RawItem.field(\(key.debugDescription)) disagrees with the tree")
        }
    case .array(let items):
        var index = 0
        do {
            try scanner.forEachElement(of: start..<end) { range in
                require(index < items.count, "forEachElement finds more elements than the parser")
                require((try? JSONParser.parse(Array(bytes[range]))) == items[index], "forEachElement range differs at \(index)")
                index += 1
            }
        } catch {
            require(false, "forEachElement refuses what the parser accepts: \(error)")
        }
        require(index == items.count, "forEachElement finds fewer elements than the parser")
    default:
        break
    }

    // Every string decodes, and escaping the decoded text gives it back.
    visitStrings(value) { string in
        let text = string.value
        require(JSONString(text).value == text, "escape/unescape round trip changes \(text.debugDescription)")
    }
    // What the tools read out of items.
    _ = Trailer.classify(bytes)
    _ = MonitoredInstance.servers(in: value)
    _ = MonitoredInstance.volumes(in: value)
    _ = value.intValue
    _ = value.doubleValue
    return 0
}

/// Equal after decoding every string (keys are decoded already).
func sameMeaning(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.string(let x), .string(let y)): return x.value == y.value
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { sameMeaning($0, $1) }
    case (.object(let x), .object(let y)):
        return x.pairs.count == y.pairs.count && zip(x.pairs, y.pairs).allSatisfy { $0.key == $1.key && sameMeaning($0.value, $1.value) }
    default: return a == b
    }
}

func visitStrings(_ value: JSONValue, _ body: (JSONString) -> Void) {
    switch value {
    case .string(let s): body(s)
    case .array(let items): for item in items { visitStrings(item, body) }
    case .object(let object):
        for pair in object.pairs {
            body(JSONString(pair.key))
            visitStrings(pair.value, body)
        }
    default: break
    }
}
