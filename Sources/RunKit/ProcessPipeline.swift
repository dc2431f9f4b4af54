import Foundation
import ReportKit

/// Runs `a | b | c` as the shell would, without a shell: posix_spawn per stage, pipes between
/// them, stdin from a file (or /dev/null), stdout to a file, each stage's stderr to its own
/// file. Secrets travel in the environment, never in argv. Waiting happens on a thread of its
/// own, never on Swift's cooperative pool.
public struct ProcessPipeline: Sendable {
    public struct Stage: Sendable {
        public let executable: String
        public let arguments: [String]
        public let stderrPath: String

        public init(_ executable: String, _ arguments: [String], stderr: String) {
            self.executable = executable
            self.arguments = arguments
            self.stderrPath = stderr
        }
    }

    public let stages: [Stage]
    public let stdinPath: String?
    public let stdoutPath: String
    public let environment: [String: String]

    public init(stages: [Stage], stdin: String? = nil, stdout: String, environment: [String: String]) {
        self.stages = stages
        self.stdinPath = stdin
        self.stdoutPath = stdout
        self.environment = environment
    }

    /// Each stage's exit status (128 + N when killed by signal N), in stage order.
    public func run() async throws -> [Int32] {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try self.runBlocking() })
            }
        }
    }

    /// pipe() and fcntl(FD_CLOEXEC) are two steps: a spawn on another thread in between would
    /// inherit our pipe end and hold it open (a reader would then never see EOF). Creating
    /// and spawning under one lock closes that window (pipe2 is not exported to Swift here).
    static let spawnLock = NSLock()

    func runBlocking() throws -> [Int32] {
        var fds: [Int32] = []
        defer { for fd in fds { close(fd) } }
        func openFile(_ path: String, _ flags: Int32) throws -> Int32 {
            let fd = open(path, flags | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw Failure(.cantCreate, "cannot open: \(String(cString: strerror(errno)))", at: path) }
            fds.append(fd)
            return fd
        }
        ProcessPipeline.spawnLock.lock()
        var locked = true
        defer { if locked { ProcessPipeline.spawnLock.unlock() } }
        var input = try openFile(stdinPath ?? "/dev/null", O_RDONLY)
        let output = try openFile(stdoutPath, O_WRONLY | O_CREAT | O_TRUNC)
        let env = environment.map { "\($0.key)=\($0.value)" }
        var pids: [pid_t] = []
        for (index, stage) in stages.enumerated() {
            var stageOutput = output
            var nextInput: Int32 = -1
            if index < stages.count - 1 {
                var ends: [Int32] = [0, 0]
                guard pipe(&ends) == 0 else { throw Failure(.software, "pipe: \(String(cString: strerror(errno)))") }
                fds += ends
                for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
                stageOutput = ends[1]
                nextInput = ends[0]
            }
            let errorFD = try openFile(stage.stderrPath, O_WRONLY | O_CREAT | O_TRUNC)
            pids.append(try spawn(stage, stdin: input, stdout: stageOutput, stderr: errorFD, environment: env))
            input = nextInput
        }
        // Our copies of the pipe ends must go before waiting, or readers never see EOF.
        for fd in fds { close(fd) }
        fds.removeAll()
        ProcessPipeline.spawnLock.unlock()
        locked = false
        return pids.map { pid in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            let signal = status & 0x7f
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal
        }
    }

    func spawn(_ stage: Stage, stdin: Int32, stdout: Int32, stderr: Int32, environment: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Children start with default signal handling and nothing blocked, whatever we have.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([stage.executable] + stage.arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, stage.executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw Failure(.software, "cannot start \(stage.executable): \(String(cString: strerror(result)))")
        }
        return pid
    }
}
