/// One HTTP request as the transports send it.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// One HTTP response; header names are kept as sent and looked up without regard to case.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

public struct HTTPTimeouts: Sendable, Equatable {
    public var connect: Double
    public var total: Double

    public init(connect: Double = 10, total: Double = 60) {
        self.connect = connect
        self.total = total
    }
}

/// A transfer that produced no HTTP response (DNS, connect, TLS, timeout, reset).
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// `config`: our own setup is wrong (CA file, URL); retrying cannot help. `tooLarge`: the
    /// response went past the transport's size limit and was abandoned (the same answer would
    /// come again).
    public enum Kind: Sendable { case connect, timeout, tls, config, tooLarge, other }
    public let kind: Kind
    public let code: Int
    public let message: String

    public init(kind: Kind, code: Int, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    /// Connection-level failures are worth another try; a TLS verification failure, our own
    /// misconfiguration or an oversized response is not.
    public var isRetryable: Bool { kind != .tls && kind != .config && kind != .tooLarge }

    public var description: String { message }
}

/// What sends requests: libcurl in the tools, a fake in unit tests.
public protocol HTTPTransport: Sendable {
    func perform(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse
}
