import Foundation
import ReportKit

/// A secret as Key Vault returns it (value only from GET, never from a list).
public struct SecretBundle: Sendable {
    public let id: String
    public let name: String
    public let version: String?
    public let value: String?
    public let contentType: String?
    public let enabled: Bool
    public let notBefore: Date?
    public let expires: Date?
    public let created: Date?
    public let updated: Date?
    public let managed: Bool
    public let tags: [(key: String, value: String)]

    public init?(_ json: JSONValue) {
        guard let id = json["id"]?.stringValue, let url = URLComponents(string: id) else { return nil }
        let parts = url.path.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts[0] == "secrets" else { return nil }
        self.id = id
        name = parts[1]
        version = parts.count >= 3 ? parts[2] : nil
        value = json["value"]?.stringValue
        contentType = json["contentType"]?.stringValue
        let attributes = json["attributes"]
        enabled = attributes?["enabled"].flatMap { if case .bool(let b) = $0 { return b } else { return nil } } ?? true
        func date(_ key: String) -> Date? { attributes?[key]?.scalarText.flatMap(Double.init).map { Date(timeIntervalSince1970: $0) } }
        notBefore = date("nbf")
        expires = date("exp")
        created = date("created")
        updated = date("updated")
        managed = json["managed"].flatMap { if case .bool(let b) = $0 { return b } else { return nil } } ?? false
        tags = json["tags"]?.objectValue?.pairs.compactMap { pair in pair.value.stringValue.map { (pair.key, $0) } } ?? []
    }

    public func tag(_ key: String) -> String? { tags.first { $0.key == key }?.value }

    /// Why this secret should not be used now (disabled, expired, not yet valid), or nil.
    public func unusableReason(now: Date = Date()) -> String? {
        if !enabled { return "disabled" }
        if let expires, expires <= now { return "expired \(Timestamps.iso8601UTC(expires))" }
        if let notBefore, notBefore > now { return "not valid before \(Timestamps.iso8601UTC(notBefore))" }
        return nil
    }

    /// `kv-get --list`: properties, never the value.
    public func properties(zone: TimeZone) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(Timestamps.iso8601($0, in: zone)) } ?? .null }
        return .object(JSONObject([
            ("name", .string(name)), ("id", .string(id)), ("enabled", .bool(enabled)),
            ("contentType", contentType.map { .string($0) } ?? .null),
            ("tags", .object(JSONObject(tags.map { ($0.key, .string($0.value)) }))),
            ("created", time(created)), ("updated", time(updated)), ("exp", time(expires)), ("nbf", time(notBefore)),
            ("managed", .bool(managed)),
        ]))
    }
}
