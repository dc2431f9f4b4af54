/// HTML escaping and the one growing buffer every page is written into.
///
/// Markup comes only from string literals (`StaticString`): anything else (names, tags, ids,
/// numbers, labels) goes through `HTML.escape`, in text and attribute values alike, so no value
/// from NCP or the roster can open a tag or leave an attribute.
public enum HTML {
    /// `&`, `<`, `>`, `"` and `'` as character references; NUL (which HTML drops or mangles) as U+FFFD.
    public static func escape(_ value: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 16)
        escape(value, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The one escaping function: every text node and attribute value of a page passes here.
    static func escape(_ value: String, into bytes: inout [UInt8]) {
        var value = value
        value.withUTF8 { utf8 in
            // Copy runs of plain bytes at once; only the five special bytes (and NUL) are replaced.
            var start = 0
            for index in 0..<utf8.count {
                let replacement: StaticString
                switch utf8[index] {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                case UInt8(ascii: "'"): replacement = "&#39;"
                case 0: replacement = "\u{FFFD}"
                default: continue
                }
                if index > start { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index])) }
                replacement.withUTF8Buffer { bytes.append(contentsOf: $0) }
                start = index + 1
            }
            if utf8.count > start { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
        }
    }

    /// A relative link to a page (`alpha/report.html`): each byte outside the unreserved set and
    /// `/` is percent-encoded, so a name cannot become a scheme (`javascript:`), a query or a
    /// fragment, and the result is escaped again as an attribute value.
    public static func relativeLink(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        // A leading slash would leave the folder of pages (or name a host with two).
        while bytes.first == UInt8(ascii: "/") { bytes.removeFirst() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A page being written: one byte buffer that only grows, so a page of any size is written in
/// time linear in its length.
struct HTMLWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Markup: literals in this module's source only.
    mutating func raw(_ markup: StaticString) {
        markup.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Any value, escaped.
    mutating func text(_ value: String) { HTML.escape(value, into: &bytes) }

    /// ` name="value"`, the value escaped.
    mutating func attribute(_ name: StaticString, _ value: String) {
        raw(" ")
        raw(name)
        raw("=\"")
        text(value)
        raw("\"")
    }

    /// `<tag class="…">text</tag>` with the text escaped.
    mutating func element(_ tag: StaticString, _ value: String, class className: String? = nil) {
        raw("<")
        raw(tag)
        if let className { attribute("class", className) }
        raw(">")
        text(value)
        raw("</")
        raw(tag)
        raw(">")
    }

    /// Digits (and a sign): nothing to escape.
    mutating func integer(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var width = 1
        var scan = magnitude / 10
        while scan > 0 { width += 1; scan /= 10 }
        let end = bytes.count + width
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var index = end - 1
        repeat {
            bytes[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            index -= 1
        } while magnitude > 0
    }

    /// A coordinate with one decimal (`12.5`, `3`): SVG's numbers, written without a String.
    mutating func coordinate(_ value: Double) {
        let tenths = Int((value * 10).rounded())
        if tenths < 0 { bytes.append(UInt8(ascii: "-")) }
        integer(Int(tenths.magnitude / 10))
        let fraction = Int(tenths.magnitude % 10)
        if fraction != 0 {
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(ascii: "0") + UInt8(fraction))
        }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
