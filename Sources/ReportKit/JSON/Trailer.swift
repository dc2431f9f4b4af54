/// The completeness trailer (docs/contract.md): `{"_trailer":{"items":N,"complete":true}}`.
public enum Trailer {
    public enum Kind: Equatable {
        case data
        case trailer(items: Int)
        /// Has `_trailer` but not the complete form: never data, never valid.
        case malformed
    }

    /// Whether a (valid JSON) line is the trailer.
    public static func classify(_ line: UnsafeBufferPointer<UInt8>) -> Kind {
        // Cheap test first: only an object whose text mentions "_trailer" can be one.
        guard line.count < 200, line.first == UInt8(ascii: "{"),
            String(decoding: line, as: UTF8.self).contains("\"_trailer\"")
        else { return .data }
        guard let value = try? JSONParser.parse(Array(line)), let object = value.objectValue, object.pairs.count == 1,
            let trailer = object["_trailer"]
        else { return .data }
        guard trailer["complete"] == .bool(true), let items = trailer["items"]?.intValue, items >= 0 else { return .malformed }
        return .trailer(items: items)
    }

    public static func line(items: Int) -> JSONValue {
        .object(JSONObject([("_trailer", .object(JSONObject([("items", .int(items)), ("complete", .bool(true))])))]))
    }

    /// Checks the end of a stream read with `--require-trailer`.
    public static func check(seen: Int?, items: Int, source: String) throws(Failure) {
        guard let seen else {
            throw Failure(.dataError, "no completeness trailer at the end of the input: the producer did not finish (--require-trailer)", at: source)
        }
        guard seen == items else {
            throw Failure(.dataError, "the trailer counts \(seen) items but \(items) arrived", at: source)
        }
    }
}
