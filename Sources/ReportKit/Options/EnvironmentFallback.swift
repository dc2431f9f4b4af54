import ArgumentParser
import Foundation

/// A value and where it came from (`--flag`, `$VARIABLE` or the default), so `-v` can say why
/// a tool did what it did. swift-argument-parser has no environment fallback; this is ours.
public struct Sourced<Value: Sendable>: Sendable {
    public let value: Value
    public let source: String
}

public struct EnvironmentFallback: Sendable {
    public let environment: [String: String]

    /// The process environment, read once: Foundation rebuilds the dictionary on every
    /// `ProcessInfo.environment` call (5% of a short ncp-fetch run), and our tools never change it.
    public static let process = ProcessInfo.processInfo.environment

    public init(_ environment: [String: String] = EnvironmentFallback.process) {
        self.environment = environment
    }

    /// The flag's value if given, else the first set variable, else the default.
    public func resolve(_ flagValue: String?, flag: String, env names: [String], default fallback: String? = nil) -> Sourced<String>? {
        if let flagValue { return Sourced(value: flagValue, source: flag) }
        for name in names {
            if let value = environment[name], !value.isEmpty { return Sourced(value: value, source: "$\(name)") }
        }
        return fallback.map { Sourced(value: $0, source: "default") }
    }

    /// Like `resolve`, then converted; an unusable value is a usage error naming its source.
    public func resolve<T: Sendable>(
        _ flagValue: String?, flag: String, env names: [String], default fallback: T,
        _ convert: (String) -> T?, expected: String
    ) throws(Failure) -> Sourced<T> {
        guard let raw = resolve(flagValue, flag: flag, env: names) else { return Sourced(value: fallback, source: "default") }
        guard let value = convert(raw.value) else {
            throw Failure(.usage, "invalid value '\(raw.value)' for \(raw.source): expected \(expected)")
        }
        return Sourced(value: value, source: raw.source)
    }

    /// A fixed-set option (`--platform`, `--log-format`, …): the value the parser already
    /// checked, else the first set variable read as the flag reads it, else the default. A
    /// variable outside the set is a usage error naming it and the values.
    public func resolve<T: ExpressibleByArgument & CaseIterable & Sendable>(
        _ flagValue: T?, flag: String, env names: [String], default fallback: T
    ) throws(Failure) -> Sourced<T> {
        if let flagValue { return Sourced(value: flagValue, source: flag) }
        return try resolve(nil, flag: flag, env: names, default: fallback, { T(argument: $0) }, expected: Self.choices(T.allValueStrings))
    }

    /// "a or b", "a, b or c".
    public static func choices(_ values: [String]) -> String {
        guard let last = values.last else { return "" }
        return values.count == 1 ? last : values.dropLast().joined(separator: ", ") + " or " + last
    }
}
