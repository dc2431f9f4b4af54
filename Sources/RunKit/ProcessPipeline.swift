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
        /// Where the stage writes its failure record (`$REPORT_FAILURE_FILE`), beside its stderr.
        public var failurePath: String { "\(stderrPath).failure.json" }

        public init(_ executable: String, _ arguments: [String], stderr: String) {
            self.executable = executable
            self.arguments = arguments
            self.stderrPath = stderr
        }

        /// How the stage failed, given its exit status: the record it wrote (or the pipeline
        /// wrote for it at the deadline); else, for a child that died without one (a crash, a
        /// signal), a record from the status alone, its message the last line of its stderr
        /// (for people; the kind comes from the status, never from those words).
        public func failure(status: Int32, otherwise message: String? = nil) -> FailureRecord {
            if let record = FailureRecord.read(failurePath) { return record }
            let code = Int(status)
            let lastLine = (try? String(contentsOfFile: stderrPath, encoding: .utf8))?
                .split(separator: "\n").last(where: { !$0.allSatisfy(\.isWhitespace) }).map(String.init)
            // A child that failed says why on its last stderr line; `message` is for a child
            // that stopped without a word (or exited 0 before its work was done).
            let said = code == 0 ? nil : lastLine.map { Redactor.shared.redact($0) }
            let text = said ?? message ?? (code > 128 ? "killed by signal \(code - 128)" : "exit \(code)")
            return FailureRecord(exit: code > 128 ? Int(ExitStatus.software.rawValue) : code, error: text, kind: code > 128 ? .internal : nil)
        }
    }

    public let stages: [Stage]
    public let stdinPath: String?
    public let stdoutPath: String
    public let environment: [String: String]
    /// Seconds the stages may run; then each one still running is stopped (SIGTERM, SIGKILL
    /// after `grace`), reports `timedOutStatus` and gets a last `error:` line in its stderr file
    /// saying so. nil: no deadline.
    public var deadline: Double?
    public var grace: Double = 10

    /// What a stage stopped at the deadline reports: temporary failure (a re-run may pass).
    public static let timedOutStatus = Int32(ExitStatus.tempFail.rawValue)

    public init(stages: [Stage], stdin: String? = nil, stdout: String, environment: [String: String], deadline: Double? = nil) {
        self.stages = stages
        self.stdinPath = stdin
        self.stdoutPath = stdout
        self.environment = environment
        self.deadline = deadline
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
        let env = environment.filter { $0.key != FailureRecord.environmentVariable }.map { "\($0.key)=\($0.value)" }
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
            unlink(stage.failurePath)  // a record left by an earlier run is not this one's
            pids.append(try spawn(stage, stdin: input, stdout: stageOutput, stderr: errorFD,
                                  environment: env + ["\(FailureRecord.environmentVariable)=\(stage.failurePath)"]))
            input = nextInput
        }
        // Our copies of the pipe ends must go before waiting, or readers never see EOF.
        for fd in fds { close(fd) }
        fds.removeAll()
        ProcessPipeline.spawnLock.unlock()
        locked = false
        let watch = Watchdog(pids: pids)
        if let deadline { watch.arm(after: deadline, grace: grace) }
        return zip(pids, stages).map { pid, stage in
            // Seen exited but not yet reaped (WNOWAIT): the watchdog can never signal a pid
            // the system has given to another process.
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0, errno == EINTR {}
            let stopped = watch.exited(pid)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            if stopped, let deadline {
                let message = "stopped after the step's deadline of \(Int(deadline)) s (--step-timeout)"
                ProcessPipeline.appendLine("ncp-report: error: \(message)", to: stage.stderrPath)
                // A child that wrote its own record as the deadline came (it ended on its own)
                // keeps it: its kind says more than the deadline does.
                if FailureRecord.read(stage.failurePath) == nil {
                    FailureRecord(exit: Int(ProcessPipeline.timedOutStatus), error: message, kind: .throttled)
                        .writeIfRequested([FailureRecord.environmentVariable: stage.failurePath])
                }
                return ProcessPipeline.timedOutStatus
            }
            let signal = status & 0x7f
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal
        }
    }

    static func appendLine(_ line: String, to path: String) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Stops the stages still running at the deadline: SIGTERM, then SIGKILL after the grace.
    final class Watchdog: Sendable {
        private struct State {
            var running: Set<pid_t>
            var stopped: Set<pid_t> = []
        }
        private let state: Locked<State>

        init(pids: [pid_t]) { state = Locked(State(running: Set(pids))) }

        func arm(after seconds: Double, grace: Double) {
            DispatchQueue.global().asyncAfter(deadline: .now() + max(0, seconds)) { [self] in
                signalRunning(SIGTERM)
                DispatchQueue.global().asyncAfter(deadline: .now() + max(0, grace)) { [self] in signalRunning(SIGKILL) }
            }
        }

        private func signalRunning(_ signal: Int32) {
            state.withLock { state in
                for pid in state.running {
                    kill(pid, signal)
                    state.stopped.insert(pid)
                }
            }
        }

        /// Marks a pid exited (before it is reaped); whether the watchdog stopped it.
        func exited(_ pid: pid_t) -> Bool {
            state.withLock { state in
                state.running.remove(pid)
                return state.stopped.contains(pid)
            }
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
