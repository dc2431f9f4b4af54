import CLibFuzzer
import Foundation

/// Hands `callback` (a target's `LLVMFuzzerTestOneInput`) to libFuzzer's driver, which parses
/// the command line (`-runs=`, `-max_total_time=`, corpus folders) and never returns.
///
/// SwiftPM links an executable with `main` defined as the module's entry function, so
/// libFuzzer's own `main` never gets pulled in: each target's main.swift calls this instead.
public func runLibFuzzer(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
}

/// A property the code under test promises, checked on fuzzed input. A broken one traps, so
/// libFuzzer saves the input as a crash like any other: the message names the property.
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    guard condition() else {
        FileHandle.standardError.write(Data("fuzz property broken: \(message())\n".utf8))
        fatalError("fuzz property broken: \(message())", file: file, line: line)
    }
}

/// Whether inputs that hit a bug already on file should be passed over (`FUZZ_SKIP_KNOWN=1`,
/// `bench/fuzz/run --skip-known`), so a run can look past it for new ones.
public let skipKnownBugs = ProcessInfo.processInfo.environment["FUZZ_SKIP_KNOWN"] == "1"
