import ArgumentParser

/// ncp-load `--report`: nothing on stdout, or the `LoadReport` as one JSON object.
public enum LoadReportFormat: String, Sendable, CaseIterable, ExpressibleByArgument {
    case none, json
}
