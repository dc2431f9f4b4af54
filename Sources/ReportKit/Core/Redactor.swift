import Foundation

/// Knows the secrets of this run and removes them from anything that is about to be printed.
/// A secret is registered with every form it is written in: as it is, escaped for an ODBC
/// connection string (`}}`, `{…}`) and escaped for JSON (an outcome record, a JSON log line).
/// Patterns cover what we never register explicitly: a secret key of a connection string
/// (`PWD=`, `Password=`, `sslpassword=`, `KeyStoreSecret=`, …) and `sig=` in webhook URLs.
public final class Redactor: Sendable {
    public static let shared = Redactor()

    private let secrets = Locked<Set<String>>([])

    public init() {}

    /// Registers a secret value (ignored when too short to be anything but noise).
    public func register(_ secret: String) {
        guard secret.count >= 4 else { return }
        var forms: Set<String> = [secret, JSONString.escape(secret)]
        if secret.contains("}") { forms.insert(secret.replacingOccurrences(of: "}", with: "}}")) }
        forms.insert(ConnectionString.braced(secret))
        for form in Array(forms) { forms.insert(JSONString.escape(form)) }
        secrets.withLock { $0.formUnion(forms) }
    }

    public func redact(_ text: String) -> String {
        var result = text
        // Longest first, so a braced form goes whole before its inner text is matched.
        for secret in secrets.withLock({ $0 }).sorted(by: { $0.count > $1.count }) where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return Redactor.redactPatterns(result)
    }

    /// `KEY=` of a connection string whose key names a secret, and `sig=` of a signed URL.
    /// A braced value runs to its closing brace (`}}` is an escaped brace, not the end).
    static let patterns: [NSRegularExpression] = [
        #"(?i)(\b[a-z_]*(?:pwd|passw(?:or)?d|secret|token|passphrase|credential)[a-z_]*\s*=\s*)(\{(?:[^}]|\}\})*\}?|[^;&'"\r\n]*)"#,
        #"(?i)(\bsig=)([^;&'"\s]*)"#,
    ].compactMap { try? NSRegularExpression(pattern: $0) }

    static func redactPatterns(_ text: String) -> String {
        let lower = text.lowercased()
        guard ["pwd", "passw", "secret", "token", "passphrase", "credential", "sig="].contains(where: { lower.contains($0) }) else { return text }
        var result = text
        for regex in patterns {
            let range = NSRange(result.startIndex..., in: result)
            result = regex.stringByReplacingMatches(in: result, range: range, withTemplate: "$1***")
        }
        return result
    }
}
