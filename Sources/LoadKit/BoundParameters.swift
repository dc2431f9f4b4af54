import CODBCShim
import ReportKit

/// The parameter buffers of one prepared INSERT, bound once and refilled for every execution.
/// A text parameter's buffer grows (and only then is it bound again) when a value outgrows it:
/// re-binding 24,000 parameters per 500-row statement cost more than the inserts' own work in
/// our code (9.6M `SQLBindParameter` calls per 200,000 rows, each through unixODBC's lock).
/// Column-wise: parameter `p` holds `arraySize` elements of `widths[p]` bytes, at absolute
/// addresses (sqliteodbc ignores bind offsets).
final class BoundParameters {
    let statement: ODBCStatement
    let arraySize: Int
    let kinds: [ValueKind]
    let wide: Bool
    private(set) var widths: [Int]
    private var buffers: [UnsafeMutableRawPointer?]
    let indicators: UnsafeMutablePointer<SQLLEN>
    /// Where the driver reports each array element's status and how many it processed. An
    /// element can fail while the call still succeeds (Microsoft's driver goes on with the
    /// rest); the sentinels make a driver that writes neither pass for its return code.
    let statuses: UnsafeMutablePointer<SQLUSMALLINT>
    let processed: UnsafeMutablePointer<SQLULEN>

    /// `kinds`: one per parameter, in statement order.
    init(statement: ODBCStatement, kinds: [ValueKind], arraySize: Int, wide: Bool) throws {
        self.statement = statement
        self.kinds = kinds
        self.arraySize = arraySize
        self.wide = wide
        widths = [Int](repeating: 0, count: kinds.count)
        buffers = [UnsafeMutableRawPointer?](repeating: nil, count: kinds.count)
        indicators = .allocate(capacity: max(kinds.count * arraySize, 1))
        statuses = .allocate(capacity: arraySize)
        processed = .allocate(capacity: 1)
        try statement.setParamsetSize(arraySize)
        if arraySize > 1 { try statement.watchArray(statuses: statuses, processed: processed) }
        for (index, kind) in kinds.enumerated() where Loader.isNumeric(kind) { try grow(index, to: 8) }
    }

    deinit {
        if arraySize > 1 { statement.unwatchArray() }
        for buffer in buffers { buffer?.deallocate() }
        indicators.deallocate()
        statuses.deallocate()
        processed.deallocate()
    }

    /// The buffer of parameter `p` (index 0-based), at least `width` bytes per element.
    func buffer(_ p: Int, width: Int) throws -> UnsafeMutableRawPointer {
        if width > widths[p] { try grow(p, to: width) }
        guard let buffer = buffers[p] else { throw Failure(.software, "parameter \(p + 1) has no buffer after growing it") }
        return buffer
    }

    private func grow(_ p: Int, to need: Int) throws {
        // Text slots round up, so a slowly growing column is not re-bound on every statement.
        // Multiples of 8: UTF-16 elements (SQL Server) must start on even addresses.
        let width = Loader.isNumeric(kinds[p]) ? 8 : (max(16, need + need / 2) + 7) & ~7
        buffers[p]?.deallocate()
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: width * arraySize, alignment: 16)
        buffers[p] = buffer
        widths[p] = width
        if Loader.isNumeric(kinds[p]) {
            try statement.bindNumber(p + 1, buffer: buffer, integer: kinds[p] == .int, indicators: indicators + p * arraySize)
        } else {
            try statement.bindText(p + 1, buffer: buffer, width: width, indicators: indicators + p * arraySize, wide: wide)
        }
    }

    /// Slots wider than this are given back after each execution: a rare huge value must not
    /// leave 24,000 huge buffers behind (memory stays that of the statement being run).
    static let keptWidth = 16 * 1024

    /// Runs the statement with the buffers as filled; throws when an array element failed.
    func execute(table: String, lineOfElement: (Int) -> Int) throws {
        statuses.initialize(repeating: SQLUSMALLINT(SQL_PARAM_SUCCESS), count: arraySize)
        processed.pointee = SQLULEN(arraySize)
        defer {
            for p in widths.indices where widths[p] > BoundParameters.keptWidth {
                buffers[p]?.deallocate()
                buffers[p] = nil
                widths[p] = 0  // bound again, to a new buffer, when next filled
            }
        }
        try statement.execute()
        guard arraySize > 1 else { return }
        let failed = (0..<arraySize).filter { statuses[$0] == SQLUSMALLINT(SQL_PARAM_ERROR) }
        if Int(clamping: processed.pointee) != arraySize || !failed.isEmpty {
            // Without a status array, the element that stopped it is the last one processed.
            let line = lineOfElement(failed.first ?? min(arraySize - 1, max(0, Int(clamping: processed.pointee) - 1)))
            throw Failure(.dataError, "the database refused \(max(failed.count, arraySize - Int(clamping: processed.pointee))) of \(arraySize) rows (first near line \(line)); nothing is committed", at: table)
        }
    }
}
