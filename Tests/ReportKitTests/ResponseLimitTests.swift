import Foundation
import Testing
@testable import ReportKit

/// Limits on what a remote service or a compressed file can make us hold in memory.
struct ResponseLimitTests {
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        let encoder = try GzipEncoder(level: 9) { out += $0 }
        try bytes.withUnsafeBytes { try encoder.write($0) }
        try encoder.finish()
        return out
    }

    @Test func aGzipBombIsRefusedWithoutInflatingIt() throws {
        let bomb = try Self.gzip([UInt8](repeating: 0, count: 8 << 20))  // 8 MiB of zeros: about 8 KB
        #expect(bomb.count < 16 << 10)
        #expect {
            _ = try GzipEncoder.decompress(bomb, maxOutputBytes: 1 << 20)
        } throws: { error in
            guard let failure = error as? Failure else { return false }
            return failure.exitStatus == .dataError && failure.message == "gzip data expands beyond 1048576 bytes"
        }
        #expect(try GzipEncoder.decompress(bomb, maxOutputBytes: 8 << 20).count == 8 << 20)
        #expect(GzipEncoder.defaultMaxOutputBytes == 256 << 20)
    }

    @Test func truncatedGzipIsBadDataNotAHang() throws {
        let whole = try Self.gzip(Array(String(repeating: "정상 데이터 ", count: 5000).utf8))
        #expect { _ = try GzipEncoder.decompress(Array(whole.prefix(whole.count / 2))) } throws: {
            ($0 as? Failure)?.exitStatus == .dataError
        }
    }

    @Test func aResponseOverTheLimitIsBadDataAndNotRetried() async throws {
        let tooLarge = TransportError(kind: .tooLarge, code: 23, message: "larger than 1000 bytes; raise the limit with --max-response-bytes")
        #expect(!tooLarge.isRetryable)
        let transport = ScriptedTransport([.fail(tooLarge), .fail(tooLarge)])
        let client = HTTPClient(transport: transport, policy: RetryPolicy(maxAttempts: 3), sleeper: RecordingSleeper())
        await #expect {
            _ = try await client.send { HTTPRequest(method: "GET", url: "https://ncloud.example/vserver/v2/getServerInstanceList?x=1") }
        } throws: { error in
            guard let failure = error as? Failure else { return false }
            return failure.exitStatus == .dataError
                && failure.line == "the response from ncloud.example is larger than 1000 bytes; raise the limit with --max-response-bytes (GET /vserver/v2/getServerInstanceList)"
        }
        #expect(transport.requests.withLock { $0.count } == 1)
    }
}
