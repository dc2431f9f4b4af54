import Foundation
import ReportKit

/// Reads and flattens the input on its own thread while the database works on the previous
/// batch: on two cores, parsing hides behind the inserts. Owns the column names it hands out.
final class BatchProducer: @unchecked Sendable {
    // @unchecked: after `start`, only the producer thread touches the mutable state; the
    // consumer gets immutable snapshots (names, ids) with each batch through `Handoff`.
    enum Message {
        case batch(RowBatch, names: [String], ids: [String: Int], order: [Int])
        case end(trailer: Int?, lines: Int)
        case failure(any Error)
    }

    private var namer: ColumnNamer
    private(set) var names: [String] = []
    private(set) var idByName: [String: Int] = [:]
    private let options: LoadOptions
    private(set) var partitionIDs: [Int] = []
    private(set) var rawID: Int?
    /// Column ids in the order their keys first appeared in the input (a partition column the
    /// input also carries, such as a view's customer_id, keeps the input's place).
    private(set) var order: [Int] = []
    private var ordered: Set<Int> = []
    let handoff = Handoff<Message>(capacity: 2)

    /// Names the fixed columns (partition, raw) first, so they have ids before any input.
    /// Where every line read is also written (MariaDB's schema pass), or nil.
    private let spool: Spool?

    init(namer: ColumnNamer, options: LoadOptions, spool: Spool? = nil) {
        self.namer = namer
        self.options = options
        self.spool = spool
        partitionIDs = options.partition.map { id(forKey: $0.column) }
        rawID = options.rawColumn.map { id(forKey: $0) }
    }

    var fixed: Set<Int> { Set(partitionIDs + (rawID.map { [$0] } ?? [])) }

    func id(forKey key: String, fromInput: Bool = false) -> Int {
        let name = namer.name(for: key)
        let id: Int
        if let known = idByName[name] {
            id = known
        } else {
            names.append(name)
            idByName[name] = names.count - 1
            id = names.count - 1
        }
        if fromInput, ordered.insert(id).inserted { order.append(id) }
        return id
    }

    func start(_ reader: NDJSONReader) {
        let owned = Transferred(reader)
        let thread = Thread { [self] in
            do {
                try produce(owned.value)
            } catch {
                _ = handoff.push(.failure(error))
            }
        }
        thread.name = "ncp-load-reader"
        thread.start()
    }

    private func produce(_ reader: NDJSONReader) throws {
        let partitionBytes = options.partition.map { Array($0.value.utf8) }
        var flattener = LineFlattener(separator: options.separator)
        var batch = RowBatch()
        var trailer: Int?
        var lines = 0
        while let line = try reader.next() {
            let number = reader.lineNumber
            // Value lengths are kept as 32-bit numbers (RowBatch); no value is longer than its line.
            guard line.count <= Int(Int32.max) else {
                throw Failure(.dataError, "line \(number): longer than 2 GiB, which ncp-load cannot store as one row", at: reader.source)
            }
            try spool?.write(line, lineNumber: number)
            if let trailer {
                throw Failure(.dataError, "line \(number): data after the trailer (which counted \(trailer))", at: reader.source)
            }
            switch line.withUnsafeBufferPointer({ Trailer.classify($0) }) {
            case .trailer(let items):
                trailer = items
                continue
            case .malformed:
                throw Failure(.dataError, "line \(number): a malformed _trailer line", at: reader.source)
            case .data:
                break
            }
            guard line.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "{") else {
                do { _ = try JSONParser.parse(line) } catch { throw Failure(.dataError, "line \(number): \(error)", at: reader.source) }
                throw Failure(.dataError, "line \(number): expected a JSON object", at: reader.source)
            }
            do {
                try line.withUnsafeBufferPointer { bytes throws(JSONParseError) in
                    try flattener.flatten(bytes, into: batch, lineNumber: number) { self.id(forKey: $0, fromInput: true) }
                }
            } catch {
                throw Failure(.dataError, "line \(number): \(error)", at: reader.source)
            }
            for (index, column) in partitionIDs.enumerated() {
                batch.set(column, kind: .text, bytes: partitionBytes[index], line: number)
            }
            if let rawID { batch.set(rawID, kind: .text, bytes: line, line: number) }
            batch.endRow(line: number)
            lines += 1
            if batch.rows >= options.batchSize {
                guard handoff.push(.batch(batch, names: names, ids: idByName, order: order)) else { return }
                batch = RowBatch()
            }
        }
        if batch.rows > 0 {
            guard handoff.push(.batch(batch, names: names, ids: idByName, order: order)) else { return }
        }
        _ = handoff.push(.end(trailer: trailer, lines: lines))
    }
}

/// A bounded queue between two threads; `close` makes a blocked `push` give up.
final class Handoff<Item>: @unchecked Sendable {
    // @unchecked: every access holds `condition`.
    private let condition = NSCondition()
    private var items: [Item] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// False when the consumer has gone.
    func push(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    func pop() -> Item {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Hands a value to another thread for good.
struct Transferred<Value>: @unchecked Sendable {
    // @unchecked: the sender stops using the value (only its immutable `source` is read again).
    let value: Value
    init(_ value: Value) { self.value = value }
}
