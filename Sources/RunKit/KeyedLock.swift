/// Mutual exclusion per key (one load per table at a time: concurrent CREATE/ALTER TABLE of the
/// same table race in every database, and SQLite has one writer anyway).
public actor KeyedLock {
    private var held: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    public func acquire(_ key: String) async {
        if !held.contains(key) {
            held.insert(key)
            return
        }
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    public func release(_ key: String) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue
            next.resume()
        } else {
            held.remove(key)
        }
    }

    public func withLock<T: Sendable>(_ key: String, _ body: @Sendable () async throws -> T) async rethrows -> T {
        await acquire(key)
        do {
            let value = try await body()
            release(key)
            return value
        } catch {
            release(key)
            throw error
        }
    }
}
