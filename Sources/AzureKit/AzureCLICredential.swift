import Foundation
import ReportKit

/// The Azure CLI's session: `az account get-access-token --output json --resource R`, run as
/// azure-identity runs it (no colour, 10-second limit). A missing `az` or a missing login
/// passes to the next credential.
public struct AzureCLICredential: TokenCredential {
    public let timeout: Double
    public var name: String { "azure-cli" }

    public init(timeout: Double = 10) { self.timeout = timeout }

    public func token(scope: String, tenant: String?) async throws -> AccessToken {
        var arguments = ["account", "get-access-token", "--output", "json", "--resource", resource(ofScope: scope)]
        if let tenant, EntraTokenEndpoint.isTenant(tenant) { arguments += ["--tenant", tenant] }
        guard let az = Self.findOnPath("az") else { throw CredentialUnavailable("the Azure CLI (az) is not on PATH") }
        let result = try await Subprocess.run(az, arguments, extraEnvironment: ["AZURE_CORE_NO_COLOR": "true"], directory: "/", timeout: timeout)
        let location = "az account get-access-token"
        if result.timedOut { throw CredentialUnavailable("az did not answer within \(Int(timeout)) s") }
        guard result.status == 0 else {
            let message = EntraTokenEndpoint.firstLine(result.stderr.replacingOccurrences(of: "ERROR: ", with: ""))
            if result.status == 127 { throw CredentialUnavailable("the Azure CLI (az) is not installed") }
            if !result.stderr.contains("AADSTS"), result.stderr.contains("az login") || result.stderr.contains("az account set") {
                throw CredentialUnavailable("the Azure CLI is not logged in (run az login)")
            }
            throw Failure(.noPermission, "the Azure CLI could not get a token: \(Redactor.shared.redact(message))", at: location)
        }
        guard let json = try? JSONParser.parse(Array(result.stdout.utf8)), let token = json["accessToken"]?.stringValue, !token.isEmpty else {
            throw Failure(.unavailable, "the Azure CLI printed no accessToken", at: location)
        }
        let expiresOn = json["expires_on"]?.scalarText.flatMap(Double.init).map { Date(timeIntervalSince1970: $0) } ?? Date().addingTimeInterval(300)
        return AccessToken(token: token, expiresOn: expiresOn)
    }

    static func findOnPath(_ command: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Runs a helper program on its own threads (never on the cooperative pool) with a time limit.
enum Subprocess {
    struct Outcome: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
        let timedOut: Bool
    }

    static func run(_ executable: String, _ arguments: [String], extraEnvironment: [String: String], directory: String, timeout: Double) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Swift.Result(catching: {
                    try runBlocking(executable, arguments, extraEnvironment: extraEnvironment, directory: directory, timeout: timeout)
                }))
            }
        }
    }

    static func runBlocking(_ executable: String, _ arguments: [String], extraEnvironment: [String: String], directory: String, timeout: Double) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extraEnvironment) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return Outcome(status: 127, stdout: "", stderr: "\(error)", timedOut: false) }
        let outData = Locked(Data()), errData = Locked(Data())
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            Thread.detachNewThread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                sink.withLock { $0 = data }
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                process.terminate()
                break
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        group.wait()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData.withLock { $0 }, as: UTF8.self),
                      stderr: String(decoding: errData.withLock { $0 }, as: UTF8.self), timedOut: timedOut)
    }
}
