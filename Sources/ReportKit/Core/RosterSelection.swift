/// Which customers of a roster a run takes: `--customer` (kv-get --roster, ncp-report) and
/// `--shard` (ncp-report's matrix legs), in one place.
public enum RosterSelection {
    /// The entries whose ids are in `ids`, in roster order; all of them when `ids` is empty. An
    /// id the roster does not have is exit 66, naming `source` (the roster file) when given.
    public static func customers(_ ids: [String], from entries: [RosterEntry], source: String? = nil) throws(Failure) -> [RosterEntry] {
        guard !ids.isEmpty else { return entries }
        for id in ids where !entries.contains(where: { $0.customerID == id }) {
            throw Failure(.noInput, "customer '\(id)' is not in the roster", at: source)
        }
        return entries.filter { ids.contains($0.customerID) }
    }

    /// Every `count`th customer from the `index`th, counting from 0 in id order.
    public static func shard(_ shard: RosterShard, of entries: [RosterEntry]) -> [RosterEntry] {
        entries.sorted { $0.customerID < $1.customerID }.enumerated().filter { $0.offset % shard.count == shard.index }.map(\.element)
    }
}

/// `--shard I/N`: one matrix leg's share of the customers.
public struct RosterShard: Sendable, Equatable {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws(Failure) {
        guard count >= 1, (0..<count).contains(index) else { throw RosterShard.invalid }
        self.index = index
        self.count = count
    }

    /// `I/N` with 0 <= I < N; anything else is exit 64.
    public init(_ text: String) throws(Failure) {
        let parts = text.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2 else { throw RosterShard.invalid }
        try self.init(index: parts[0], count: parts[1])
    }

    static let invalid = Failure(.usage, "--shard must be I/N with 0 <= I < N, e.g. 0/3")
}
