import NIOCore
import NIOHTTP1
import NIOPosix
import ReportKit

/// Serves a request handler over HTTP/1.1 on 127.0.0.1 with SwiftNIO (light enough to build in
/// CI on every run). Latency is added with a scheduled write, never a blocked thread.
public final class SandboxServer: Sendable {
    public typealias Handler = @Sendable (SandboxRequest) -> SandboxResponse

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    public let port: Int

    public init(host: String = "127.0.0.1", port: Int = 0, handler: @escaping Handler) throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(RequestHandler(handler: handler))
                }
            }
            .childChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
        channel = try bootstrap.bind(host: host, port: port).wait()
        self.port = channel.localAddress?.port ?? port
    }

    public func waitUntilClosed() throws { try channel.closeFuture.wait() }

    public func shutdown() throws {
        try channel.close().wait()
        try group.syncShutdownGracefully()
    }
}

private final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let handler: SandboxServer.Handler
    var head: HTTPRequestHead?
    var body: [UInt8] = []

    init(handler: @escaping SandboxServer.Handler) { self.handler = handler }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.removeAll(keepingCapacity: true)
        case .body(var buffer):
            body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .end:
            guard let head else { return }
            self.head = nil
            let uri = head.uri
            let path: String
            let query: String?
            if let mark = uri.firstIndex(of: "?") {
                path = String(uri[..<mark])
                query = String(uri[uri.index(after: mark)...])
            } else {
                path = uri
                query = nil
            }
            let request = SandboxRequest(
                method: head.method.rawValue, path: path, rawQuery: query,
                headers: head.headers.map { ($0.name, $0.value) }, body: body)
            let response = handler(request)
            let keepAlive = head.isKeepAlive
            let version = head.version
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let send = {
                let (handler, context) = loopBound.value
                handler.write(response, keepAlive: keepAlive, version: version, context: context)
            }
            if response.delayMs > 0 {
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(response.delayMs))) { send() }
            } else {
                send()
            }
        }
    }

    func write(_ response: SandboxResponse, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext) {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: response.body.count)
        buffer.writeBytes(response.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
