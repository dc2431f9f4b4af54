import Crypto
import Foundation

/// NCP API Gateway signature v2 (NCP's API Gateway documentation): Base64(HMAC-SHA256(secret,
/// "METHOD target\ntimestamp\naccessKey")), where target is the path plus the query string
/// exactly as sent.
public struct NCPSigner: Sendable {
    public let accessKey: String
    private let secretKey: SymmetricKey

    public init(accessKey: String, secretKey: String) {
        self.accessKey = accessKey
        self.secretKey = SymmetricKey(data: Array(secretKey.utf8))
    }

    public func stringToSign(method: String, target: String, timestamp: String) -> String {
        "\(method.uppercased()) \(target)\n\(timestamp)\n\(accessKey)"
    }

    public func signature(method: String, target: String, timestamp: String) -> String {
        let message = Array(stringToSign(method: method, target: target, timestamp: timestamp).utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: secretKey)
        return Data(mac).base64EncodedString()
    }

    /// The three authentication headers for one request.
    public func headers(method: String, target: String, timestamp: String) -> [(name: String, value: String)] {
        [
            ("x-ncp-apigw-timestamp", timestamp),
            ("x-ncp-iam-access-key", accessKey),
            ("x-ncp-apigw-signature-v2", signature(method: method, target: target, timestamp: timestamp)),
        ]
    }

    /// Constant-time comparison of a received signature with the expected one (for the sandbox).
    public func verify(_ received: String, method: String, target: String, timestamp: String) -> Bool {
        let expected = Array(signature(method: method, target: target, timestamp: timestamp).utf8)
        let given = Array(received.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }
}
