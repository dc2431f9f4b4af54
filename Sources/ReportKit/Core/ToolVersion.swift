import Foundation

/// The toolkit's version, printed by every tool's `--version`: the release, and the commit and
/// date it was built from when the tool comes from a release (`scripts/release` writes
/// `BUILD-INFO` beside the executables: `commit=…` and `built=…` lines). A tool built from a
/// checkout says so.
public enum ToolVersion {
    /// The release this source tree is (CHANGELOG.md).
    public static let release = "0.2.0"

    public static let current: String = {
        guard let folder = try? ToolLocation.ownFolder(),
              let text = try? String(contentsOfFile: folder + "/BUILD-INFO", encoding: .utf8) else {
            return "\(release) (development build)"
        }
        return describe(release: release, buildInfo: text)
    }()

    /// "0.2.0 (commit 1a2b3c4d5e6f, built 2026-11-28)" from BUILD-INFO's lines.
    public static func describe(release: String, buildInfo: String) -> String {
        var fields: [String: String] = [:]
        for line in buildInfo.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, !parts[1].isEmpty { fields[parts[0]] = String(parts[1].prefix(64)) }
        }
        let details = [fields["commit"].map { "commit \($0)" }, fields["built"].map { "built \($0)" }].compactMap { $0 }
        return details.isEmpty ? release : "\(release) (\(details.joined(separator: ", ")))"
    }
}
