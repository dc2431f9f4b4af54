import Foundation

/// `key=value` arguments (request parameters, facts) and `--body FILE|-` payloads.
public enum KeyValueArguments {
    public static func parse(_ arguments: [String]) throws(Failure) -> [(key: String, value: String)] {
        try arguments.map { argument throws(Failure) in
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw Failure(.usage, "expected key=value, got '\(argument)'")
            }
            return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
        }
    }

    /// Reads a file, or stdin for `-`.
    public static func readBody(_ source: String) throws(Failure) -> [UInt8] {
        if source == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        guard let data = FileManager.default.contents(atPath: source) else {
            throw Failure(.noInput, "cannot read the body file", at: source)
        }
        return Array(data)
    }
}
