import ArgumentParser
import Foundation

/// One customer of the MSP (docs/contract.md: Customers, plans and rules): who, which NCP site, which keys.
public struct RosterEntry: Sendable, Equatable {
    public let customerID: String
    public let customerType: String
    public let accessKey: String
    public var secretKey: String?

    public init(customerID: String, customerType: String, accessKey: String, secretKey: String? = nil) {
        self.customerID = customerID
        self.customerType = customerType
        self.accessKey = accessKey
        self.secretKey = secretKey
    }

    /// Whether a customer id follows the Key Vault secret name rule (1–127 letters, digits
    /// and dashes), which every id from the vault does: ids become folder and file names, so
    /// an id from a roster file is held to the same rule (no `/`, no `..`, no spaces).
    public static func isValidID(_ id: String) -> Bool {
        (1...127).contains(id.utf8.count) && id.utf8.allSatisfy { $0 == UInt8(ascii: "-") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }

    public static let idRule = "1 to 127 letters, digits and dashes (the Key Vault secret name rule)"

    /// `pri` → public, `gov` → gov, as the v2 system reads `customer_type`; `fin` → the
    /// financial cloud, which v2 never had and ncp-fetch supports.
    public static let sites = ["pri": "public", "gov": "gov", "fin": "fin"]
    public static let customerTypes = "pri, gov or fin"

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


extension RosterEntry {
    /// One line of `kv-get --roster` (or of a roster file).
    public init(_ object: JSONValue, at location: String) throws {
        guard object.objectValue != nil else { throw Failure(.config, "not a JSON object", at: location) }
        func field(_ key: String, required: Bool = true) throws -> String? {
            guard let value = object[key] else {
                if required { throw Failure(.config, "missing field '\(key)'", at: location) }
                return nil
            }
            guard let text = value.stringValue, !text.isEmpty else { throw Failure(.config, "field '\(key)' must be a non-empty string", at: location) }
            return text
        }
        let type = try field("customer_type")!
        guard RosterEntry.sites[type] != nil else { throw Failure(.config, "customer_type must be \(RosterEntry.customerTypes), got '\(type)'", at: "\(location): customer_type") }
        let id = try field("customer_id")!
        guard RosterEntry.isValidID(id) else {
            throw Failure(.config, "customer_id '\(id.prefix(80))' is not a valid customer id: \(RosterEntry.idRule)", at: "\(location): customer_id")
        }
        self.init(customerID: id, customerType: type, accessKey: try field("access_key")!,
                  secretKey: try field("secret_key", required: false))
        if let secretKey { Redactor.shared.register(secretKey) }
    }
}

/// Roster files and streams: a JSON array or NDJSON (`#` lines are comments).
public enum RosterFile {
    /// A roster file: a JSON array or NDJSON of objects with `customer_id`, `customer_type`,
    /// `access_key` and `secret_key`. A bad entry is exit 78 naming the file, entry and field.
    public static func load(path: String) throws -> [RosterEntry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(.noInput, "cannot read the roster file", at: path)
        }
        let entries = try read(bytes: [UInt8](data), path: path)
        if entries.contains(where: { $0.secretKey != nil }) { warnIfReadableByOthers(path) }
        return entries
    }

    /// Reads roster lines from any file or stream (`-` for stdin).
    public static func read(bytes: [UInt8], path: String) throws -> [RosterEntry] {
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
        return try objects.map { location, object in
            let entry = try RosterEntry(object, at: location)
            guard seen.insert(entry.customerID).inserted else { throw Failure(.config, "customer '\(entry.customerID)' appears twice", at: location) }
            return entry
        }
    }

    static func warnIfReadableByOthers(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 != 0 else { return }
        Log.shared.warning("the roster file holds secret keys but is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it", ["file": path])
    }
}

/// A `customer_type` the roster knows (`RosterEntry.sites`); ncp-json's `--customer-type`,
/// spelled exactly so.
public enum CustomerType: String, Sendable, CaseIterable, ExpressibleByArgument {
    case pri, gov, fin
}
