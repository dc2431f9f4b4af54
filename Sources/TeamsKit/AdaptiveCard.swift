import Foundation
import ReportKit

/// Adaptive Cards (version 1.4) in the envelope a Teams Workflows webhook takes.
public enum AdaptiveCard {
    /// A card's colour and icon; `good` is the summary's all-green, which no flag asks for.
    public enum Severity: String, Sendable, CaseIterable {
        case info, warning, error, good

        public var icon: String {
            switch self {
            case .info: return "ℹ️"
            case .warning: return "⚠️"
            case .error: return "❌"
            case .good: return "✅"
            }
        }

        /// Container style and text colour.
        public var style: (container: String, color: String) {
            switch self {
            case .info: return ("accent", "Accent")
            case .warning: return ("warning", "Warning")
            case .error: return ("attention", "Attention")
            case .good: return ("good", "Good")
            }
        }
    }

    public static func envelope(_ card: JSONValue) -> JSONValue {
        .object(JSONObject([
            ("type", .string("message")),
            ("attachments", .array([.object(JSONObject([
                ("contentType", .string("application/vnd.microsoft.card.adaptive")),
                ("contentUrl", .null),
                ("content", card),
            ]))])),
        ]))
    }

    public static func card(body: [JSONValue], actions: [JSONValue] = []) -> JSONValue {
        var card = JSONObject([
            ("$schema", .string("http://adaptivecards.io/schemas/adaptive-card.json")),
            ("type", .string("AdaptiveCard")),
            ("version", .string("1.4")),
            ("body", .array(body)),
        ])
        if !actions.isEmpty { card["actions"] = .array(actions) }
        card["msteams"] = .object(JSONObject([("width", .string("Full"))]))
        return .object(card)
    }

    public static func header(_ title: String, _ severity: Severity) -> JSONValue {
        .object(JSONObject([
            ("type", .string("Container")),
            ("style", .string(severity.style.container)),
            ("items", .array([.object(JSONObject([
                ("type", .string("TextBlock")), ("text", .string("\(severity.icon) \(title)")), ("weight", .string("Bolder")),
                ("size", .string("Large")), ("color", .string(severity.style.color)), ("wrap", .bool(true)),
            ]))])),
        ]))
    }

    public static func text(_ text: String, weight: String? = nil, subtle: Bool = false) -> JSONValue {
        var block = JSONObject([("type", .string("TextBlock")), ("text", .string(text)), ("wrap", .bool(true))])
        if let weight { block["weight"] = .string(weight) }
        if subtle { block["isSubtle"] = .bool(true) }
        return .object(block)
    }

    public static func facts(_ pairs: [(String, String)]) -> JSONValue {
        .object(JSONObject([
            ("type", .string("FactSet")),
            ("facts", .array(pairs.map { .object(JSONObject([("title", .string($0.0)), ("value", .string($0.1))])) })),
        ]))
    }

    public static func link(_ title: String, _ url: String) -> JSONValue {
        .object(JSONObject([("type", .string("Action.OpenUrl")), ("title", .string(title)), ("url", .string(url))]))
    }

    /// A plain message: title, text, facts, links.
    public static func message(title: String, text: String?, facts: [(String, String)], links: [(String, String)], severity: Severity) -> JSONValue {
        var body = [header(title, severity)]
        if let text, !text.isEmpty { body.append(self.text(text)) }
        if !facts.isEmpty { body.append(self.facts(facts)) }
        return envelope(card(body: body, actions: links.map { link($0.0, $0.1) }))
    }

    /// The v2 system's alert: its title and its eight facts, in its order.
    public static let v2Facts = ["Customer ID", "Customer Type", "Platform Type", "Service Type", "Error Message", "Datetime", "API Server", "URI"]

    public static func v2Error(facts given: [(String, String)], text: String?, now: Date) -> JSONValue {
        func key(_ name: String) -> String { name.lowercased().filter { $0.isLetter } }
        var values: [String: String] = [:]
        for (name, value) in given { values[key(name)] = value }
        let stamp = Timestamps.iso8601(now, in: PeriodResolver.seoul)
        let datetime = String(stamp.prefix(19)).replacingOccurrences(of: "T", with: " ")
        let facts = v2Facts.map { name -> (String, String) in
            if let value = values[key(name)] { return (name, value) }
            if name == "Datetime" { return (name, datetime) }
            if name == "Error Message", let text { return (name, text) }
            return (name, "-")
        }
        return envelope(card(body: [header("NCP Monthly Report Exception Error", .error), self.facts(facts)]))
    }
}
