import Foundation
import Testing
@testable import ReportKit

/// Answers from a script and records what was asked.
final class ScriptedTransport: HTTPTransport, Sendable {
    enum Step: Sendable { case respond(HTTPResponse), fail(TransportError) }
    private let steps: Locked<[Step]>
    let requests = Locked<[HTTPRequest]>([])

    init(_ steps: [Step]) { self.steps = Locked(steps) }

    func perform(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse {
        requests.withLock { $0.append(request) }
        let step = steps.withLock { $0.isEmpty ? Step.respond(HTTPResponse(status: 200)) : $0.removeFirst() }
        switch step {
        case .respond(let response): return response
        case .fail(let error): throw error
        }
    }
}

/// A clock that only records how long it was asked to wait.
final class RecordingSleeper: Sleeper, Sendable {
    let waits = Locked<[Double]>([])
    func sleep(seconds: Double) async throws { waits.withLock { $0.append(seconds) } }
}

struct RetryTests {
    func client(_ transport: ScriptedTransport, _ sleeper: RecordingSleeper, attempts: Int = 5) -> HTTPClient {
        HTTPClient(transport: transport, policy: RetryPolicy(maxAttempts: attempts, baseDelay: 0.5, maxDelay: 20),
                   sleeper: sleeper, random: { $0 })  // "random" = the ceiling: the backoff bound itself
    }

    static func status(_ code: Int, _ headers: [(name: String, value: String)] = []) -> ScriptedTransport.Step {
        .respond(HTTPResponse(status: code, headers: headers))
    }

    @Test(arguments: [429, 500, 502, 503, 504])
    func retriesTransientStatusesWithExponentialBackoff(_ code: Int) async throws {
        let transport = ScriptedTransport([Self.status(code), Self.status(code), Self.status(code), Self.status(200)])
        let sleeper = RecordingSleeper()
        let response = try await client(transport, sleeper).send { HTTPRequest(method: "GET", url: "https://x/") }
        #expect(response.status == 200)
        #expect(sleeper.waits.withLock { $0 } == [0.5, 1.0, 2.0])
        #expect(transport.requests.withLock { $0.count } == 4)
    }

    @Test(arguments: [400, 401, 403, 404, 409, 413])
    func doesNotRetryOtherClientErrors(_ code: Int) async throws {
        let transport = ScriptedTransport([Self.status(code), Self.status(200)])
        let sleeper = RecordingSleeper()
        let response = try await client(transport, sleeper).send { HTTPRequest(method: "GET", url: "https://x/") }
        #expect(response.status == code)
        #expect(sleeper.waits.withLock { $0 }.isEmpty)
    }

    @Test func honoursRetryAfterSecondsAndDates() async throws {
        let date = Date().addingTimeInterval(30)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let transport = ScriptedTransport([
            Self.status(429, [("Retry-After", "7")]), Self.status(503, [("retry-after", formatter.string(from: date))]), Self.status(200),
        ])
        let sleeper = RecordingSleeper()
        _ = try await client(transport, sleeper).send { HTTPRequest(method: "GET", url: "https://x/") }
        let waits = sleeper.waits.withLock { $0 }
        #expect(waits.first == 7)
        #expect(waits.count == 2 && (28...31).contains(waits[1]))
    }

    @Test func givesUpAfterMaxAttemptsAndReturnsTheLastResponse() async throws {
        let transport = ScriptedTransport(Array(repeating: Self.status(429), count: 10))
        let sleeper = RecordingSleeper()
        let response = try await client(transport, sleeper, attempts: 3).send { HTTPRequest(method: "GET", url: "https://x/") }
        #expect(response.status == 429)
        #expect(transport.requests.withLock { $0.count } == 3)
    }

    @Test func connectionFailuresAreRetriedThenUnavailable() async throws {
        let refused = TransportError(kind: .connect, code: 7, message: "Couldn't connect to server")
        let transport = ScriptedTransport([.fail(refused), .fail(refused), .fail(refused)])
        let sleeper = RecordingSleeper()
        await #expect {
            _ = try await client(transport, sleeper, attempts: 3).send { HTTPRequest(method: "GET", url: "https://x/") }
        } throws: { ($0 as? Failure)?.exitStatus == .unavailable }
        #expect(sleeper.waits.withLock { $0 } == [0.5, 1.0])
    }

    @Test func tlsFailuresAreNotRetried() async throws {
        let transport = ScriptedTransport([.fail(TransportError(kind: .tls, code: 60, message: "SSL peer certificate"))])
        let sleeper = RecordingSleeper()
        await #expect { _ = try await client(transport, sleeper).send { HTTPRequest(method: "GET", url: "https://x/") } } throws: { _ in true }
        #expect(transport.requests.withLock { $0.count } == 1)
    }

    @Test func fullJitterStaysWithinTheExponentialCeiling() {
        let policy = RetryPolicy(baseDelay: 0.5, maxDelay: 4)
        for retry in 0..<8 {
            let ceiling = min(4, 0.5 * pow(2, Double(retry)))
            for _ in 0..<50 {
                let wait = policy.delay(retry: retry, retryAfter: nil, random: { Double.random(in: 0...$0) })
                #expect(wait >= 0 && wait <= ceiling)
            }
        }
        #expect(policy.delay(retry: 3, retryAfter: 500, random: { $0 }) == 120)
    }

    @Test func everyAttemptIsRebuiltSoSignaturesStayFresh() async throws {
        let transport = ScriptedTransport([Self.status(503), Self.status(200)])
        let counter = Locked(0)
        _ = try await client(transport, RecordingSleeper()).send {
            let n = counter.withLock { $0 += 1; return $0 }
            return HTTPRequest(method: "GET", url: "https://x/", headers: [("x-ncp-apigw-timestamp", "\(n)")])
        }
        #expect(transport.requests.withLock { $0.map { $0.header("x-ncp-apigw-timestamp") } } == ["1", "2"])
    }
}
