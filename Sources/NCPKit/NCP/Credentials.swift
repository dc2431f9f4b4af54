import Foundation
import ReportKit

/// An NCP API key pair. The secret is registered with the redactor as soon as it is read.
public struct NCPCredentials: Sendable {
    public let accessKey: String
    public let secretKey: String
    /// Where the pair came from, for `-v` (never the values).
    public let source: String

    public init(accessKey: String, secretKey: String, source: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.source = source
        Redactor.shared.register(secretKey)
    }

    /// `NCLOUD_ACCESS_KEY`/`NCLOUD_SECRET_KEY` (or the SDK's `…_ID`/`…_ACCESS_KEY` spellings),
    /// else `~/.ncloud/configure`. A missing key is exit 78 naming the variable.
    public static func resolve(
        environment: [String: String] = EnvironmentFallback.process,
        configureFile: String? = nil
    ) throws(Failure) -> NCPCredentials {
        let access = nonEmpty(environment["NCLOUD_ACCESS_KEY"]) ?? nonEmpty(environment["NCLOUD_ACCESS_KEY_ID"])
        let secret = nonEmpty(environment["NCLOUD_SECRET_KEY"]) ?? nonEmpty(environment["NCLOUD_SECRET_ACCESS_KEY"])
        if let access, let secret {
            return NCPCredentials(accessKey: access, secretKey: secret, source: "environment")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let path = configureFile ?? (home + "/.ncloud/configure")
        if access == nil, secret == nil, let text = try? String(contentsOfFile: path, encoding: .utf8) {
            var values: [String: String] = [:]
            for line in text.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                values[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
            }
            guard let fileAccess = nonEmpty(values["ncloud_access_key_id"]) else {
                throw Failure(.config, "ncloud_access_key_id is missing", at: path)
            }
            guard let fileSecret = nonEmpty(values["ncloud_secret_access_key"]) else {
                throw Failure(.config, "ncloud_secret_access_key is missing", at: path)
            }
            return NCPCredentials(accessKey: fileAccess, secretKey: fileSecret, source: path)
        }
        if access == nil {
            throw Failure(.config, "NCLOUD_ACCESS_KEY is not set (and no ~/.ncloud/configure); export the NCP access key")
        }
        throw Failure(.config, "NCLOUD_SECRET_KEY is not set; export the NCP secret key (never pass it as an argument)")
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
