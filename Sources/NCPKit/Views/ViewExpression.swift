import Foundation
import ReportKit

/// A value a view assigns. Syntax:
/// - `a.b.c` a field of the item (`seg[]` maps the rest of the path over an array), `node.x` a
///   field of the exploded element, `'text'` and `0` literals, `-` null, `$run` the run time;
/// - `@name(e)` a lookup, `@name[](e)` a lookup of each element of a list, joined with ", ";
/// - `join(e)` a list joined with ", ", `spaced(e)` text with every "," made ", ";
/// - `gb(e)` bytes in whole GiB (integer division), `gb1(e)` GiB rounded to one decimal;
/// - `minute(e)` / `wall(e)` an ISO 8601 time as its wall clock `YYYY-MM-DD HH:MM` / `…:SS`;
/// - `if(e = 'x', then, else)` (`~` for "contains");
/// - `e1 | e2` the first that is neither null nor empty (else the last one's value).
public indirect enum ViewExpression: Sendable, Equatable {
    case null
    case literal(JSONValue)
    case field([String])
    case node([String])
    case runTime
    case lookup(String, ViewExpression)
    case lookupEach(String, ViewExpression)
    case call(Function, ViewExpression)
    case condition(ViewExpression, Comparison, String, ViewExpression, ViewExpression)
    case first([ViewExpression])

    public enum Function: String, Sendable, CaseIterable {
        case join, spaced, gb, gb1, minute, wall
    }

    public enum Comparison: String, Sendable {
        case equals = "="
        case contains = "~"
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ text: String) throws -> ViewExpression {
        var parser = Parser(text)
        let expression = try parser.alternatives()
        guard parser.atEnd else { throw parser.error("unexpected '\(parser.rest)'") }
        return expression
    }

    var lookups: Set<String> {
        switch self {
        case .lookup(let name, let inner), .lookupEach(let name, let inner): return inner.lookups.union([name])
        case .call(_, let inner): return inner.lookups
        case .condition(let subject, _, _, let then, let otherwise): return subject.lookups.union(then.lookups).union(otherwise.lookups)
        case .first(let all): return all.reduce(into: Set<String>()) { $0.formUnion($1.lookups) }
        case .null, .literal, .field, .node, .runTime: return []
        }
    }

    public func evaluate(item: JSONValue, node: JSONValue?, context: ViewContext) -> JSONValue {
        func value(_ expression: ViewExpression) -> JSONValue { expression.evaluate(item: item, node: node, context: context) }
        switch self {
        case .null: return .null
        case .literal(let literal): return literal
        case .field(let path): return ViewExpression.walk(item, path[...])
        case .node(let path): return node.map { ViewExpression.walk($0, path[...]) } ?? .null
        case .runTime: return .string(context.runTime)
        case .lookup(let name, let inner):
            guard let key = value(inner).scalarText else { return .null }
            return context.lookup(name, key) ?? .null
        case .lookupEach(let name, let inner):
            guard let keys = value(inner).arrayValue else { return .null }
            let names = keys.compactMap { $0.scalarText.flatMap { context.lookup(name, $0)?.scalarText } }
            return .string(names.joined(separator: ", "))
        case .call(let function, let inner):
            return function.apply(value(inner))
        case .condition(let subject, let comparison, let operand, let then, let otherwise):
            let text = value(subject).scalarText
            let holds = comparison == .equals ? text == operand : text?.contains(operand) == true
            return value(holds ? then : otherwise)
        case .first(let all):
            var last = JSONValue.null
            for expression in all {
                last = value(expression)
                if !ViewExpression.isEmpty(last) { return last }
            }
            return last
        }
    }

    /// Null, "", [] or {}: what a fallback (`a | b`) passes over.
    static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return true
        case .string(let text): return text.value.isEmpty
        case .array(let elements): return elements.isEmpty
        case .object(let object): return object.pairs.isEmpty
        default: return false
        }
    }

    /// A path's value: `seg[]` maps the rest of the path over an array.
    static func walk(_ value: JSONValue, _ path: ArraySlice<String>) -> JSONValue {
        guard let segment = path.first else { return value }
        if segment.hasSuffix("[]") {
            guard let elements = value[String(segment.dropLast(2))]?.arrayValue else { return .null }
            return .array(elements.map { walk($0, path.dropFirst()) }.filter { $0 != .null })
        }
        guard let next = value[segment] else { return .null }
        return walk(next, path.dropFirst())
    }
}

extension ViewExpression.Function {
    static let gibibyte = 1 << 30

    func apply(_ value: JSONValue) -> JSONValue {
        switch self {
        case .join:
            guard let elements = value.arrayValue else { return value }
            return .string(elements.compactMap(\.scalarText).joined(separator: ", "))
        case .spaced:
            guard let text = value.stringValue else { return value }
            return .string(text.replacingOccurrences(of: ",", with: ", "))
        case .gb:
            // Python's `bytes // 1024**3`: floor division of a whole number of bytes.
            if case .number(let literal) = value, let bytes = Int(literal) {
                // Floor, without negating (which overflows at Int.min).
                let quotient = bytes / Self.gibibyte
                return .int(bytes % Self.gibibyte < 0 ? quotient - 1 : quotient)
            }
            guard let bytes = value.doubleValue, bytes.isFinite else { return .null }
            let gigabytes = (bytes / Double(Self.gibibyte)).rounded(.down)
            // Beyond Int, Python's floor division of a float gives a float; so do we (no trap).
            return Int(exactly: gigabytes).map { .int($0) } ?? .number(String(gigabytes))
        case .gb1:
            // Python's `round(bytes / 1024**3, 1)`, written as Python writes a float (`1.0`).
            guard let bytes = value.doubleValue, bytes.isFinite else { return .null }
            return .number(String(((bytes / Double(Self.gibibyte)) * 10).rounded(.toNearestOrEven) / 10))
        case .minute, .wall:
            // An ISO 8601 time already in the report's zone: its wall clock, as v2 wrote local times.
            guard let text = value.stringValue, text.count >= 19, text.dropFirst(10).first == "T" else { return value }
            let wall = text.prefix(19).replacingOccurrences(of: "T", with: " ")
            return .string(self == .minute ? String(wall.prefix(16)) : wall)
        }
    }
}

/// Recursive descent over the expression syntax (one small grammar, so errors can say where).
private struct Parser {
    let text: [Character]
    var position = 0

    init(_ text: String) { self.text = Array(text) }

    var atEnd: Bool {
        mutating get {
            skipSpaces()
            return position == text.count
        }
    }

    var rest: String { String(text[position...]) }

    func error(_ message: String) -> ViewExpression.ParseError {
        ViewExpression.ParseError(description: "\(message) at \(position) in '\(String(text))'")
    }

    mutating func skipSpaces() {
        while position < text.count, text[position] == " " { position += 1 }
    }

    mutating func take(_ character: Character) -> Bool {
        skipSpaces()
        guard position < text.count, text[position] == character else { return false }
        position += 1
        return true
    }

    mutating func expect(_ character: Character) throws {
        guard take(character) else { throw error("expected '\(character)'") }
    }

    /// `a | b | c`
    mutating func alternatives() throws -> ViewExpression {
        var all = [try primary()]
        while take("|") { all.append(try primary()) }
        return all.count == 1 ? all[0] : .first(all)
    }

    mutating func word() -> String {
        skipSpaces()
        let start = position
        while position < text.count, text[position].isLetter || text[position].isNumber || "_.[]$".contains(text[position]) { position += 1 }
        return String(text[start..<position])
    }

    mutating func primary() throws -> ViewExpression {
        skipSpaces()
        guard position < text.count else { throw error("expected a value") }
        if take("-") { return .null }
        if take("'") {
            let start = position
            while position < text.count, text[position] != "'" { position += 1 }
            guard position < text.count else { throw error("unterminated text") }
            position += 1
            return .literal(.string(String(text[start..<position - 1])))
        }
        if take("@") {
            var name = word()
            let each = name.hasSuffix("[]")
            if each { name.removeLast(2) }
            guard !name.isEmpty else { throw error("expected a lookup name") }
            try expect("(")
            let inner = try alternatives()
            try expect(")")
            return each ? .lookupEach(name, inner) : .lookup(name, inner)
        }
        let name = word()
        guard !name.isEmpty else { throw error("expected a field, literal, lookup or function") }
        if name == "$run" { return .runTime }
        if name.allSatisfy(\.isNumber) { return .literal(.number(name)) }
        if take("(") {
            if name == "if" {
                let subject = try primary()
                let comparison: ViewExpression.Comparison
                if take("=") { comparison = .equals } else if take("~") { comparison = .contains } else { throw error("expected '=' or '~'") }
                guard case .literal(let operand) = try primary(), let operand = operand.stringValue else { throw error("expected 'text' to compare with") }
                try expect(",")
                let then = try alternatives()
                try expect(",")
                let otherwise = try alternatives()
                try expect(")")
                return .condition(subject, comparison, operand, then, otherwise)
            }
            guard let function = ViewExpression.Function(rawValue: name) else {
                throw error("unknown function '\(name)' (known: if, \(ViewExpression.Function.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let inner = try alternatives()
            try expect(")")
            return .call(function, inner)
        }
        let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard path.allSatisfy({ !$0.isEmpty && !$0.contains("$") }) else { throw error("'\(name)' is not a field path") }
        return path.first == "node" ? .node(Array(path.dropFirst())) : .field(path)
    }
}
