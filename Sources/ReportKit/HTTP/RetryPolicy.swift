import Foundation

/// When and how long to wait before trying a request again (docs/contract.md): 429, 500, 502,
/// 503, 504 and connection failures; exponential backoff with full jitter; `Retry-After`
/// honoured. Services with their own documented rules (IMDS) pass their own status set.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    public var maxRetryAfter: Double
    public var retryStatuses: Set<Int>
    /// Full jitter (the default) or the plain exponential ladder some services document
    /// (Key Vault's 1, 2, 4, 8, 16 s; IMDS's backoff).
    public var jitter: Bool

    public static let standardStatuses: Set<Int> = [429, 500, 502, 503, 504]

    public init(
        maxAttempts: Int = 5, baseDelay: Double = 0.5, maxDelay: Double = 20, maxRetryAfter: Double = 120,
        retryStatuses: Set<Int> = RetryPolicy.standardStatuses, jitter: Bool = true
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.retryStatuses = retryStatuses
        self.jitter = jitter
    }

    public func shouldRetry(status: Int) -> Bool { retryStatuses.contains(status) }

    /// The wait before retry number `retry` (0 for the first retry). `random(x)` returns a
    /// value in 0...x; the server's Retry-After, when given, wins (capped at `maxRetryAfter`).
    public func delay(retry: Int, retryAfter: Double?, random: (Double) -> Double) -> Double {
        if let retryAfter { return min(max(retryAfter, 0), maxRetryAfter) }
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(min(retry, 30))))
        return jitter ? random(ceiling) : ceiling
    }

    /// Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
    public static func parseRetryAfter(_ value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}

/// How the client waits; tests substitute a clock that only records.
public protocol Sleeper: Sendable {
    func sleep(seconds: Double) async throws
}

public struct TaskSleeper: Sleeper {
    public init() {}
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }
}
