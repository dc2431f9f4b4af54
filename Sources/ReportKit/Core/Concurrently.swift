/// Bounded parallelism over a list: a sliding window of at most `limit` tasks; results are
/// consumed in input order by the calling task (so output stays deterministic).
public enum Concurrently {
    public static func forEach<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], limit: Int, _ work: @escaping @Sendable (Input) async throws -> Output,
        consume: (Int, Output) throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: (Int, Output).self) { group in
            var next = 0
            var buffered: [Int: Output] = [:]
            var consumeIndex = 0
            func launch() {
                guard next < inputs.count else { return }
                let index = next
                let input = inputs[index]
                next += 1
                group.addTask { (index, try await work(input)) }
            }
            for _ in 0..<min(max(limit, 1), inputs.count) { launch() }
            while let (index, output) = try await group.next() {
                buffered[index] = output
                while let ready = buffered.removeValue(forKey: consumeIndex) {
                    try consume(consumeIndex, ready)
                    consumeIndex += 1
                }
                launch()
            }
        }
    }
}
