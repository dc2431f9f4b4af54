import ReportKit
import ArgumentParser

/// Network behaviour shared by every tool that calls a remote service.
public struct HTTPOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("Attempts per request, retries included ($REPORT_RETRIES).", valueName: "n"))
    public var retries: Int?

    @Option(help: ArgumentHelp("Seconds allowed per request ($REPORT_TIMEOUT, default 60).", valueName: "seconds"))
    public var timeout: Double?

    @Option(help: ArgumentHelp("CA bundle for TLS verification ($CURL_CA_BUNDLE).", valueName: "file"))
    public var cacert: String?

    @Option(help: ArgumentHelp(
        "Refuse a response body larger than this, exit 65 ($REPORT_MAX_RESPONSE_BYTES, default \(CurlTransport.defaultMaxResponseBytes), 256 MiB).",
        valueName: "bytes"))
    public var maxResponseBytes: Int?

    public init() {}

    public func client(environment: EnvironmentFallback = EnvironmentFallback(), transport: CurlTransport = .shared) throws -> HTTPClient {
        let attempts = try environment.resolve(
            retries.map(String.init), flag: "--retries", env: ["REPORT_RETRIES"], default: 5, { Int($0).flatMap { $0 >= 1 ? $0 : nil } },
            expected: "a whole number of attempts, at least 1")
        let total = try environment.resolve(
            timeout.map { String($0) }, flag: "--timeout", env: ["REPORT_TIMEOUT"], default: 60.0,
            { Double($0).flatMap { $0 >= 0.001 && $0 <= 86_400 ? $0 : nil } }, expected: "seconds from 0.001 to 86400")
        let limit = try environment.resolve(
            maxResponseBytes.map(String.init), flag: "--max-response-bytes", env: ["REPORT_MAX_RESPONSE_BYTES"],
            default: CurlTransport.defaultMaxResponseBytes, { Int($0).flatMap { $0 >= 1 ? $0 : nil } },
            expected: "a whole number of bytes, at least 1")
        if let cacert { transport.setCAInfo(cacert) }
        transport.setMaxResponseBytes(
            limit.value, hint: "raise the limit with \(limit.source == "default" ? "--max-response-bytes" : limit.source)")
        return HTTPClient(
            transport: transport, policy: RetryPolicy(maxAttempts: attempts.value),
            timeouts: HTTPTimeouts(connect: min(10, total.value), total: total.value))
    }
}
