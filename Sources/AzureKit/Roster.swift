import Foundation
import ReportKit

/// One customer of the MSP (DESIGN.md §7): who, which NCP site, which keys.
public struct RosterEntry: Sendable, Equatable {
    public let customerID: String
    public let customerType: String
    public let accessKey: String
    public var secretKey: String?

    /// `pri` → public, `gov` → gov, as the v2 system reads `customer_type`.
    public static let sites = ["pri": "public", "gov": "gov"]

    public var site: String { RosterEntry.sites[customerType] ?? "public" }

    public func json(withSecret: Bool) -> JSONValue {
        var pairs: [(key: String, value: JSONValue)] = [
            ("customer_id", .string(customerID)), ("customer_type", .string(customerType)), ("site", .string(site)),
            ("access_key", .string(accessKey)),
        ]
        if withSecret, let secretKey { pairs.append(("secret_key", .string(secretKey))) }
        return .object(JSONObject(pairs))
    }
}

public enum Roster {
    /// The v2 vault layout: secret name = customer id, tags `customer_type` and `access_key`.
    /// Secrets that are not usable now are skipped with a warning; secrets without the tags
    /// are not customers (a vault holds other secrets too) and are skipped quietly.
    public static func entries(from secrets: [SecretBundle], now: Date = Date()) -> [RosterEntry] {
        var entries: [RosterEntry] = []
        for secret in secrets.sorted(by: { $0.name < $1.name }) {
            guard let accessKey = secret.tag("access_key") else {
                Log.shared.info("not a customer secret (no access_key tag), skipped", ["secret": secret.name])
                continue
            }
            if let reason = secret.unusableReason(now: now) {
                Log.shared.warning("customer skipped: its secret is \(reason)", ["customer": secret.name])
                continue
            }
            guard let type = secret.tag("customer_type"), RosterEntry.sites[type] != nil else {
                Log.shared.warning("customer skipped: tag customer_type must be pri or gov, got '\(secret.tag("customer_type") ?? "")'", ["customer": secret.name])
                continue
            }
            entries.append(RosterEntry(customerID: secret.name, customerType: type, accessKey: accessKey))
        }
        return entries
    }

    /// A roster file: a JSON array or NDJSON of objects with `customer_id`, `customer_type`,
    /// `access_key` and `secret_key`. A bad entry is exit 78 naming the file, entry and field.
    public static func load(path: String) throws -> [RosterEntry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(.noInput, "cannot read the roster file", at: path)
        }
        let bytes = [UInt8](data)
        var objects: [(where: String, value: JSONValue)] = []
        let firstByte = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if firstByte == UInt8(ascii: "[") {
            guard let array = (try? JSONParser.parse(bytes))?.arrayValue else {
                throw Failure(.config, "not a valid JSON array", at: path)
            }
            objects = array.enumerated().map { ("\(path): entry \($0.offset + 1)", $0.element) }
        } else {
            for (index, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                if text.isEmpty || text.hasPrefix("#") { continue }
                guard let value = try? JSONParser.parse(Array(text.utf8)) else {
                    throw Failure(.config, "not a JSON object", at: "\(path): line \(index + 1)")
                }
                objects.append(("\(path): line \(index + 1)", value))
            }
        }
        var seen = Set<String>()
        var entries: [RosterEntry] = []
        var hasSecrets = false
        for (location, object) in objects {
            func field(_ key: String, required: Bool = true) throws -> String? {
                guard let value = object[key] else {
                    if required { throw Failure(.config, "missing field '\(key)'", at: location) }
                    return nil
                }
                guard let text = value.stringValue, !text.isEmpty else { throw Failure(.config, "field '\(key)' must be a non-empty string", at: location) }
                return text
            }
            guard object.objectValue != nil else { throw Failure(.config, "not a JSON object", at: location) }
            let id = try field("customer_id")!
            let type = try field("customer_type")!
            guard RosterEntry.sites[type] != nil else { throw Failure(.config, "customer_type must be pri or gov, got '\(type)'", at: "\(location): customer_type") }
            guard seen.insert(id).inserted else { throw Failure(.config, "customer '\(id)' appears twice", at: location) }
            let secret = try field("secret_key", required: false)
            if let secret { Redactor.shared.register(secret); hasSecrets = true }
            entries.append(RosterEntry(customerID: id, customerType: type, accessKey: try field("access_key")!, secretKey: secret))
        }
        if hasSecrets { warnIfReadableByOthers(path) }
        return entries
    }

    static func warnIfReadableByOthers(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 != 0 else { return }
        Log.shared.warning("the roster file holds secret keys but is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it", ["file": path])
    }
}
