import Foundation

/// An ODBC connection string read as the Driver Manager reads it: `key=value;…`, where a
/// value in braces may hold `;` and `}}` stands for `}`. The runner and ncp-load both need to
/// know which parts are secrets (to redact every form of them) and which may be named
/// (driver, server) — a connection string itself is never printed.
public enum ConnectionString {
    /// The pairs in order (keys as written).
    public static func pairs(_ text: String) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        var chars = Array(text)[...]
        while !chars.isEmpty {
            let key = String(chars.prefix { $0 != "=" && $0 != ";" }).trimmingCharacters(in: .whitespaces)
            chars = chars.drop { $0 != "=" && $0 != ";" }
            guard chars.first == "=" else { chars = chars.dropFirst(); continue }
            chars = chars.dropFirst().drop { $0 == " " }
            var value = ""
            if chars.first == "{" {
                chars = chars.dropFirst()
                while let c = chars.first {
                    chars = chars.dropFirst()
                    if c == "}" {
                        if chars.first == "}" { value.append("}"); chars = chars.dropFirst(); continue }
                        break
                    }
                    value.append(c)
                }
                chars = chars.drop { $0 != ";" }
            } else {
                value = String(chars.prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces)
                chars = chars.drop { $0 != ";" }
            }
            chars = chars.dropFirst()
            result.append((key, value))
        }
        return result
    }

    /// `{value}` (with `}` doubled) when the value needs it.
    public static func braced(_ value: String) -> String {
        value.contains(where: { ";{}=".contains($0) }) || value.hasPrefix(" ") || value.hasSuffix(" ")
            ? "{" + value.replacingOccurrences(of: "}", with: "}}") + "}" : value
    }

    /// A key whose value is a secret: PWD, Password, sslpassword, KeyStoreSecret,
    /// ClientSecret, AccessToken, … (drivers name their secrets freely; better to hide a
    /// harmless value than show a secret one).
    public static func isSecret(key: String) -> Bool {
        let key = key.lowercased().filter { $0.isLetter }
        return ["pwd", "password", "passwd", "secret", "token", "passphrase", "credential"].contains { key.contains($0) }
    }

    /// Every secret value in the string, registered with the redactor (in all its forms).
    public static func registerSecrets(_ text: String, with redactor: Redactor = .shared) {
        if let url = postgresURL(text) {
            for secret in [url.password, url.queryPassword, url.extra].compactMap({ $0 }) {
                redactor.register(secret)  // as written, and percent-decoded as libpq reads it
                if let decoded = secret.removingPercentEncoding { redactor.register(decoded) }
            }
            return
        }
        for (key, value) in pairs(text) where isSecret(key: key) { redactor.register(value) }
    }

    /// A libpq URL (`postgresql://` or `postgres://`), which ncp-load takes in place of an ODBC string.
    public static func isPostgresURL(_ text: String) -> Bool { postgresURL(text) != nil }

    /// A libpq URL's server and secrets: `postgresql://user:password@host:port/db?password=…`,
    /// read as libpq reads it: the user part ends at the first `@` before any `/` (a `?` does
    /// not end it), the password is what follows its first `:`. `extra`: when more `@` follow
    /// before the `/`, the text up to the last of them, which was likely meant as the password
    /// (libpq takes part of it as the host): a secret too.
    public static func postgresURL(_ text: String) -> (host: String, password: String?, queryPassword: String?, extra: String?)? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let scheme = ["postgresql://", "postgres://"].first(where: { trimmed.lowercased().hasPrefix($0) }) else { return nil }
        let rest = trimmed.dropFirst(scheme.count)
        let beforePath = rest.prefix { $0 != "/" }
        var password: String?, extra: String?
        var afterUser = rest
        if let at = beforePath.firstIndex(of: "@") {
            let user = rest[..<at]
            afterUser = rest[rest.index(after: at)...]
            if let colon = user.firstIndex(of: ":") {
                password = String(user[user.index(after: colon)...])
                if let last = beforePath.lastIndex(of: "@"), last != at { extra = String(beforePath[beforePath.index(after: colon)..<last]) }
            }
        }
        let hosts = afterUser.prefix { $0 != "/" && $0 != "?" }
        let query = afterUser.drop { $0 != "?" }.dropFirst()
        let queryPassword = query.split(separator: "&").first { $0.lowercased().hasPrefix("password=") }.map { String($0.dropFirst("password=".count)) }
        return (String(hosts), password, queryPassword, extra)
    }

    /// What may be said about a connection: its driver (or DSN) and server, never the rest.
    /// "driver PostgreSQL Unicode, server db.example" — or "DSN report".
    public static func describe(_ text: String) -> String {
        if let url = postgresURL(text) { return url.host.isEmpty ? "PostgreSQL URL" : "PostgreSQL URL, server \(url.host)" }
        var driver: String?, dsn: String?, server: String?
        for (key, value) in pairs(text) where !value.isEmpty {
            switch key.lowercased() {
            case "driver": driver = value
            case "dsn", "filedsn": dsn = value
            case "server", "servername", "host", "hostname", "address", "addr": server = server ?? value
            default: break
            }
        }
        var parts: [String] = []
        if let driver { parts.append("driver \(driver)") } else if let dsn { parts.append("DSN \(dsn)") }
        if let server { parts.append("server \(server)") }
        return parts.isEmpty ? "no driver or DSN named" : parts.joined(separator: ", ")
    }
}
