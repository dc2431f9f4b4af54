import CCurl
import CCurlShim
import Foundation
import ReportKit

/// HTTP through libcurl's multi interface, driven by one dedicated thread so that no blocking
/// call ever runs on Swift's cooperative pool. Requests are handed over through a locked queue
/// and `curl_multi_wakeup`; completions resume the awaiting task.
public final class CurlTransport: HTTPTransport, Sendable {
    /// One transport per process: one thread, one connection cache.
    public static let shared = CurlTransport()

    /// 256 MiB: a page of NCP items, a Cloud Insight series or a Key Vault listing is at most a
    /// few megabytes, so this is a hundredfold margin; a runaway or hostile server costs no more
    /// memory than this (decompressed: curl inflates before the limit is applied).
    public static let defaultMaxResponseBytes = 256 << 20

    private let engine: Engine

    /// - Parameter caInfo: CA bundle for TLS verification (`--cacert`); `CURL_CA_BUNDLE` by default.
    public init(caInfo: String? = ProcessInfo.processInfo.environment["CURL_CA_BUNDLE"]) {
        engine = Engine(caInfo: caInfo)
    }

    public func setCAInfo(_ path: String?) { engine.caInfo.withLock { $0 = path } }

    /// The largest response body accepted (after content decoding); a larger one is abandoned
    /// while it arrives and fails as `TransportError.Kind.tooLarge`. `hint` is added to that
    /// message (how to raise the limit).
    public func setMaxResponseBytes(_ bytes: Int, hint: String? = nil) {
        engine.responseLimit.withLock { $0 = ResponseLimit(bytes: max(0, bytes), hint: hint) }
    }

    public func perform(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse {
        try URLPolicy.check(request.url)
        let job = Job(request: request, timeouts: timeouts)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                job.continuation = continuation
                engine.submit(job)
            }
        } onCancel: {
            engine.cancel(job)
        }
    }
}

struct ResponseLimit: Sendable {
    var bytes = CurlTransport.defaultMaxResponseBytes
    var hint: String?
}

/// One transfer. Owned by the engine thread from submission until it resumes its continuation.
private final class Job: @unchecked Sendable {
    // @unchecked: after `submit` only the engine thread touches the mutable fields; the
    // submitting task only awaits `continuation`.
    let request: HTTPRequest
    let timeouts: HTTPTimeouts
    var continuation: CheckedContinuation<HTTPResponse, any Error>?
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var bodyCopy: UnsafeMutablePointer<UInt8>?
    var responseBody: [UInt8] = []
    var responseHeaders: [(name: String, value: String)] = []
    /// Fixed when the transfer starts; `tooLarge` is set by the write callback that stopped it.
    var limit = ResponseLimit()
    var tooLarge = false
    /// Set by the cancelling task, read by the engine thread.
    let cancelRequested = Locked(false)

    init(request: HTTPRequest, timeouts: HTTPTimeouts) {
        self.request = request
        self.timeouts = timeouts
    }

    func finish(_ result: Result<HTTPResponse, any Error>) {
        continuation?.resume(with: result)
        continuation = nil
    }

    deinit {
        if let headerList { curl_slist_free_all(headerList) }
        bodyCopy?.deallocate()
    }
}

private final class Engine: @unchecked Sendable {
    // @unchecked: `multi` and `active` are used only on the engine thread; `pending` and
    // `cancelled` are behind locks; `caInfo` and `responseLimit` are behind their own locks.
    let caInfo: Locked<String?>
    let responseLimit = Locked(ResponseLimit())
    private let pending = Locked<[Job]>([])
    private let cancelled = Locked<[Job]>([])
    private let multi: UnsafeMutableRawPointer
    private var active: [UnsafeMutableRawPointer: Job] = [:]

    init(caInfo: String?) {
        self.caInfo = Locked(caInfo)
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        multi = curl_multi_init()!
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 16)
        let thread = Thread { [self] in self.loop() }
        thread.name = "curl-multi"
        thread.start()
    }

    func submit(_ job: Job) {
        pending.withLock { $0.append(job) }
        curl_multi_wakeup(multi)
    }

    func cancel(_ job: Job) {
        job.cancelRequested.withLock { $0 = true }
        cancelled.withLock { $0.append(job) }
        curl_multi_wakeup(multi)
    }

    private func loop() {
        let multiHandle = multi
        while true {
            for job in pending.withLock({ jobs -> [Job] in defer { jobs.removeAll() }; return jobs }) {
                start(job, multiHandle)
            }
            // Identity, not address: a finished job's memory may already hold a new one.
            for job in cancelled.withLock({ jobs -> [Job] in defer { jobs.removeAll() }; return jobs }) {
                if let easy = active.first(where: { $0.value === job })?.key {
                    close(easy, multiHandle)
                    job.finish(.failure(CancellationError()))
                }
            }
            var running: Int32 = 0
            curl_multi_perform(multiHandle, &running)
            var easy: UnsafeMutableRawPointer?
            var code = CURLE_OK
            while ccurl_multi_next_done(multiHandle, &easy, &code) == 1, let handle = easy {
                guard let job = active[handle] else { continue }
                let result = complete(job, handle, code)
                close(handle, multiHandle)
                job.finish(result)
            }
            var fds: Int32 = 0
            curl_multi_poll(multiHandle, nil, 0, 1000, &fds)
        }
    }

    private func close(_ easy: UnsafeMutableRawPointer, _ multiHandle: UnsafeMutableRawPointer) {
        curl_multi_remove_handle(multiHandle, easy)
        curl_easy_cleanup(easy)
        active[easy] = nil
    }

    private func start(_ job: Job, _ multiHandle: UnsafeMutableRawPointer) {
        if job.cancelRequested.withLock({ $0 }) {
            job.finish(.failure(CancellationError()))
            return
        }
        guard let easy = curl_easy_init() else {
            job.finish(.failure(TransportError(kind: .other, code: -1, message: "curl_easy_init failed")))
            return
        }
        job.easy = easy
        job.limit = responseLimit.withLock { $0 }
        let request = job.request
        _ = ccurl_easy_setopt_string(easy, CURLOPT_URL, request.url)
        _ = ccurl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        if let ca = caInfo.withLock({ $0 }), !ca.isEmpty { _ = ccurl_easy_setopt_string(easy, CURLOPT_CAINFO, ca) }
        _ = ccurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Engine.millis(job.timeouts.connect))
        _ = ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Engine.millis(job.timeouts.total))
        _ = ccurl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")
        // Refused up front when Content-Length says so; otherwise the write callback stops it.
        _ = ccurl_easy_setopt_long(easy, CURLOPT_MAXFILESIZE, job.limit.bytes)
        _ = ccurl_easy_setopt_string(easy, CURLOPT_USERAGENT, "msp-ncp-report/\(ToolVersion.release)")
        if let host = URLComponents(string: request.url)?.host, URLPolicy.isLoopbackOrIMDS(host) {
            // Never send loopback or IMDS traffic through a proxy (IMDS documents "no proxy").
            _ = ccurl_easy_setopt_string(easy, CURLOPT_NOPROXY, "*")
        }
        switch request.method.uppercased() {
        case "GET": _ = ccurl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case "HEAD": _ = ccurl_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        default: _ = ccurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method.uppercased())
        }
        if !["GET", "HEAD"].contains(request.method.uppercased()) {
            // Always a body (possibly empty) so that curl sends Content-Length.
            let body = request.body ?? []
            let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(body.count, 1))
            copy.initialize(from: body, count: body.count)
            job.bodyCopy = copy
            _ = ccurl_easy_setopt_long(easy, CURLOPT_POSTFIELDSIZE, body.count)
            _ = ccurl_easy_setopt_pointer(easy, CURLOPT_POSTFIELDS, copy)
        }
        var list: UnsafeMutablePointer<curl_slist>?
        var names = Set<String>()
        for header in request.headers {
            names.insert(header.name.lowercased())
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        // curl adds "Expect: 100-continue" to larger bodies; it only costs a round trip here.
        if !names.contains("expect") { list = curl_slist_append(list, "Expect:") }
        job.headerList = list
        _ = ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
        let context = Unmanaged.passUnretained(job).toOpaque()
        _ = ccurl_easy_setopt_callback(easy, CURLOPT_WRITEFUNCTION, { data, size, count, userdata in
            guard let userdata else { return 0 }
            let job = Unmanaged<Job>.fromOpaque(userdata).takeUnretainedValue()
            let length = size * count
            if let data, length > 0 {
                guard length <= job.limit.bytes - job.responseBody.count else {
                    job.tooLarge = true
                    return 0  // anything but `length` makes curl abandon the transfer
                }
                data.withMemoryRebound(to: UInt8.self, capacity: length) {
                    job.responseBody.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
                }
            }
            return length
        })
        _ = ccurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        _ = ccurl_easy_setopt_callback(easy, CURLOPT_HEADERFUNCTION, { data, size, count, userdata in
            guard let userdata else { return 0 }
            let job = Unmanaged<Job>.fromOpaque(userdata).takeUnretainedValue()
            let length = size * count
            guard let data, length > 0 else { return length }
            let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("HTTP/") {
                job.responseHeaders.removeAll()  // a new response (after 100-continue or a redirect)
            } else if let colon = line.firstIndex(of: ":") {
                let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
                let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                job.responseHeaders.append((name, value))
            }
            return length
        })
        _ = ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
        active[easy] = job
        curl_multi_add_handle(multiHandle, easy)
    }

    /// Seconds to curl's milliseconds: at least 1 (0 would mean "no timeout"), finite.
    static func millis(_ seconds: Double) -> Int {
        guard seconds.isFinite else { return 86_400_000 }
        return Int(min(max(seconds * 1000, 1), 86_400_000))
    }

    private func complete(_ job: Job, _ easy: UnsafeMutableRawPointer, _ code: CURLcode) -> Result<HTTPResponse, any Error> {
        if job.tooLarge || code == CURLE_FILESIZE_EXCEEDED {
            let hint = job.limit.hint.map { "; \($0)" } ?? ""
            return .failure(TransportError(kind: .tooLarge, code: Int(code.rawValue), message: "larger than \(job.limit.bytes) bytes\(hint)"))
        }
        guard code == CURLE_OK else {
            let message = String(cString: curl_easy_strerror(code))
            let kind: TransportError.Kind
            switch code {
            case CURLE_OPERATION_TIMEDOUT: kind = .timeout
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .connect
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM: kind = .tls
            case CURLE_SSL_CACERT_BADFILE, CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT: kind = .config
            default: kind = .other
            }
            return .failure(TransportError(kind: kind, code: Int(code.rawValue), message: message))
        }
        var status = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: job.responseHeaders, body: job.responseBody))
    }
}
