/// The toolkit's version, printed by every tool's `--version`.
public enum ToolVersion {
    public static let current = "0.1.0"
}
