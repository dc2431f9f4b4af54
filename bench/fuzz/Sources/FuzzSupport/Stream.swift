import Dispatch
import Foundation

/// A descriptor that reads `bytes` back in pieces of exactly `piece` bytes (a Unix
/// SOCK_SEQPACKET pair: each read returns one message), so a reader meets the same chunk
/// boundaries on every run. A writer thread feeds it; `finish` closes the reading end and
/// waits for the writer. Runs are deterministic whatever the scheduling.
public final class PiecewiseStream {
    public let fd: Int32
    private let done = DispatchSemaphore(value: 0)

    public init(_ bytes: [UInt8], piece: Int) {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            fatalError("socketpair: \(String(cString: strerror(errno)))")
        }
        fd = pair[0]
        let writer = pair[1]
        let done = done
        DispatchQueue.global().async {
            var offset = 0
            while offset < bytes.count {
                let count = min(piece, bytes.count - offset)
                // MSG_NOSIGNAL: a reader that gave up makes this fail with EPIPE, not a SIGPIPE.
                let sent = bytes.withUnsafeBytes { send(writer, $0.baseAddress! + offset, count, Int32(MSG_NOSIGNAL)) }
                if sent < 0 {
                    if errno == EINTR { continue }
                    break
                }
                offset += sent
            }
            close(writer)
            done.signal()
        }
    }

    /// Ends the stream for both sides and waits until the writer is done. The reading end is
    /// closed `lingering` calls later: a reader thread that may still be finishing (ncp-load's
    /// BatchProducer after a failed load) then meets end-of-input, never another run's stream
    /// under a reused descriptor number.
    public func finish(lingering: Bool = false) {
        shutdown(fd, Int32(SHUT_RDWR))
        done.wait()
        guard lingering else {
            close(fd)
            return
        }
        PiecewiseStream.lingering.append(fd)
        if PiecewiseStream.lingering.count > 16 { close(PiecewiseStream.lingering.removeFirst()) }
    }

    /// Descriptors waiting to be closed (libFuzzer runs one input at a time, on one thread).
    nonisolated(unsafe) private static var lingering: [Int32] = []
}
