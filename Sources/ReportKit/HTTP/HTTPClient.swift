import Foundation

/// Sends requests through a transport with the retry policy. The request is rebuilt for every
/// attempt (NCP signatures carry a timestamp). After the last attempt the final response is
/// returned as it is (the caller maps the status), or the transport error is thrown as
/// "unavailable" (exit 69). A response over the transport's size limit is bad data (exit 65).
public struct HTTPClient: Sendable {
    public var transport: any HTTPTransport
    public var policy: RetryPolicy
    public var timeouts: HTTPTimeouts
    public var sleeper: any Sleeper
    public var random: @Sendable (Double) -> Double

    public init(
        transport: any HTTPTransport, policy: RetryPolicy = RetryPolicy(),
        timeouts: HTTPTimeouts = HTTPTimeouts(), sleeper: any Sleeper = TaskSleeper(),
        random: @escaping @Sendable (Double) -> Double = { $0 > 0 ? Double.random(in: 0...$0) : 0 }
    ) {
        self.transport = transport
        self.policy = policy
        self.timeouts = timeouts
        self.sleeper = sleeper
        self.random = random
    }

    public func send(_ makeRequest: @Sendable () throws -> HTTPRequest) async throws -> HTTPResponse {
        var attempt = 0
        while true {
            let request = try makeRequest()
            attempt += 1
            let target = HTTPClient.describe(request)
            do {
                let response = try await transport.perform(request, timeouts: timeouts)
                guard policy.shouldRetry(status: response.status), attempt < policy.maxAttempts else {
                    return response
                }
                let wait = policy.delay(
                    retry: attempt - 1, retryAfter: RetryPolicy.parseRetryAfter(response.header("Retry-After")),
                    random: random)
                Log.shared.info(
                    "HTTP \(response.status), retrying",
                    ["request": target, "attempt": "\(attempt)", "wait": String(format: "%.2fs", wait)])
                try await sleeper.sleep(seconds: wait)
            } catch let error as TransportError {
                if error.kind == .config {
                    throw Failure(.config, "cannot send the request: \(error.message)", at: HTTPClient.describe(request))
                }
                if error.kind == .tooLarge {
                    // A bad answer, like a body that is not JSON (exit 65); not retried.
                    throw Failure(.dataError, "the response from \(HTTPClient.host(of: request)) is \(error.message)", at: HTTPClient.describe(request))
                }
                guard error.isRetryable, attempt < policy.maxAttempts else {
                    throw Failure(
                        .unavailable, "cannot reach \(HTTPClient.host(of: request)): \(error.message)",
                        at: attempt > 1 ? "after \(attempt) attempts" : nil)
                }
                let wait = policy.delay(retry: attempt - 1, retryAfter: nil, random: random)
                Log.shared.info(
                    "\(error.message), retrying",
                    ["request": target, "attempt": "\(attempt)", "wait": String(format: "%.2fs", wait)])
                try await sleeper.sleep(seconds: wait)
            }
        }
    }

    static func host(of request: HTTPRequest) -> String {
        URLComponents(string: request.url)?.host ?? "?"
    }

    /// `GET /path` without the query (which may carry filters, never secrets, but is long).
    static func describe(_ request: HTTPRequest) -> String {
        "\(request.method) \(URLComponents(string: request.url)?.path ?? "?")"
    }
}
