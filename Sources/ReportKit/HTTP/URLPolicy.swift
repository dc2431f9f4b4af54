import Foundation

/// docs/contract.md (Conventions): TLS always; plain http only to loopback and the IMDS link-local address.
public enum URLPolicy {
    public static func check(_ url: String) throws(Failure) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { throw Failure(.config, "not a valid URL: \(Redactor.shared.redact(url))") }
        switch scheme {
        case "https": return
        case "http":
            guard isLoopbackOrIMDS(host) else {
                throw Failure(.config, "plain http:// is refused for \(host); use https:// (http is allowed only for loopback and 169.254.169.254)")
            }
        default:
            throw Failure(.config, "unsupported URL scheme '\(scheme)' in \(Redactor.shared.redact(url))")
        }
    }

    public static func isLoopbackOrIMDS(_ rawHost: String) -> Bool {
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host == "169.254.169.254" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }), parts[0] == "127" { return true }
        return false
    }
}
