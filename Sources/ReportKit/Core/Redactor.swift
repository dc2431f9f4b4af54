import Foundation

/// Knows the secrets of this run and removes them from anything that is about to be printed.
/// Patterns cover what we never register explicitly: `PWD=`/`Password=` in connection strings
/// and `sig=` in webhook URLs.
public final class Redactor: Sendable {
    public static let shared = Redactor()

    private let secrets = Locked<Set<String>>([])

    public init() {}

    /// Registers a secret value (ignored when too short to be anything but noise).
    public func register(_ secret: String) {
        guard secret.count >= 4 else { return }
        secrets.withLock { _ = $0.insert(secret) }
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets.withLock({ $0 }) where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return Redactor.redactPatterns(result)
    }

    static func redactPatterns(_ text: String) -> String {
        guard text.range(of: "pwd=", options: .caseInsensitive) != nil
            || text.range(of: "password=", options: .caseInsensitive) != nil
            || text.range(of: "sig=", options: .caseInsensitive) != nil
        else { return text }
        var result = text
        for key in ["PWD", "Password", "sig"] {
            let pattern = "(?i)(\\b\(key)=)(\\{[^}]*\\}|[^;&\\s'\"]*)"
            if let regex = try? NSRegularExpression(pattern: pattern) {
                let range = NSRange(result.startIndex..., in: result)
                result = regex.stringByReplacingMatches(in: result, range: range, withTemplate: "$1***")
            }
        }
        return result
    }
}
