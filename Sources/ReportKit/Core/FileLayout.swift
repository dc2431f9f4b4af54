import ArgumentParser

/// Where and how a saved stream is written (ncp-json `--layout`): `DIR/PERIOD/CUSTOMER/NAME.json`
/// (standard), or the v2 system's `DIR/CUSTOMER/<type>_<Platform>_<name>.json` (v2).
public enum FileLayout: String, Sendable, CaseIterable, ExpressibleByArgument {
    case standard, v2
}

/// A saved stream's format (ncp-json `--format`): an indented JSON array, or one object a line.
public enum FileFormat: String, Sendable, CaseIterable, ExpressibleByArgument {
    case json, ndjson
}
