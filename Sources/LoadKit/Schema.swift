import ReportKit

/// What a value is, for choosing column types. NCP ids are strings and stay text.
/// `datetime` and `date` are never inferred: they are the kinds of existing columns without a
/// time zone (a DBA's DATETIME, TIMESTAMP, DATE), which take wall-clock times (DateTimeText).
public enum ValueKind: String, Sendable, Equatable {
    case bool, int, float, timestamp, text, datetime, date

    /// The kinds values are inferred as (indexes of `RowBatch.Column.firstLine`).
    static let all: [ValueKind] = [.bool, .int, .float, .timestamp, .text]

    var index: Int {
        switch self {
        case .bool: return 0
        case .int: return 1
        case .float: return 2
        case .timestamp: return 3
        case .text: return 4
        case .datetime: return 5
        case .date: return 6
        }
    }

    var isWallClock: Bool { self == .datetime || self == .date }

    /// The kind a column needs to hold both.
    public func merged(with other: ValueKind) -> ValueKind {
        if self == other { return self }
        if (self == .int && other == .float) || (self == .float && other == .int) { return .float }
        return .text
    }

    /// Whether a column of this kind can hold a value of `other` without loss.
    public func accepts(_ other: ValueKind) -> Bool {
        self == other || self == .text || (self == .float && other == .int)
    }
}

/// Date-times for columns without a time zone (v2's DATETIME): `YYYY-MM-DD`, optionally with
/// ` HH:MM`, `:SS`, `.fff` (a `T` for the space, and an offset, are accepted), become
/// `YYYY-MM-DD HH:MM:SS[.ffffff]` — the wall-clock time as written. An offset is dropped, not
/// applied: `2026-11-01T00:10:00+09:00` is `2026-11-01 00:10:00`, the time v2 stored.
public enum DateTimeText {
    /// The canonical text, or nil when `bytes` are not such a date-time (or name no real time).
    public static func canonical(_ bytes: UnsafeRawBufferPointer, dateOnly: Bool = false) -> [UInt8]? {
        let u = bytes
        func digit(_ i: Int) -> Bool { i < u.count && (0x30...0x39).contains(u[i]) }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(u[$1] - 0x30) } }
        guard u.count >= 10, (0..<4).allSatisfy(digit), u[4] == 0x2D, digit(5), digit(6), u[7] == 0x2D, digit(8), digit(9) else { return nil }
        let month = number(5..<7), day = number(8..<10)
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        var out = Array(u[0..<10])
        var index = 10
        var time: [UInt8] = Array(" 00:00:00".utf8)
        if index < u.count, u[index] == 0x20 || u[index] == 0x54 {
            guard u.count >= 16, digit(11), digit(12), u[13] == 0x3A, digit(14), digit(15) else { return nil }
            guard number(11..<13) < 24, number(14..<16) < 60 else { return nil }
            time = [0x20] + Array(u[11..<16]) + Array(":00".utf8)
            index = 16
            if index < u.count, u[index] == 0x3A {
                guard digit(17), digit(18), number(17..<19) < 60 else { return nil }
                time.replaceSubrange(6..<9, with: u[16..<19])
                index = 19
                if index < u.count, u[index] == 0x2E {
                    index += 1
                    let start = index
                    while digit(index) { index += 1 }
                    guard index > start else { return nil }
                    // Microseconds at most: what PostgreSQL, MariaDB and DATETIME2 all keep.
                    time += [0x2E] + u[start..<min(index, start + 6)]
                }
            }
        }
        let zone = Array(u[index...])
        guard zone.isEmpty || zone == [0x5A] || Flattener.timestamp("2000-01-01T00:00:00" + String(decoding: zone, as: UTF8.self)) != nil else { return nil }
        if !dateOnly { out += time }
        return out
    }

    public static func canonical(_ text: String, dateOnly: Bool = false) -> String? {
        var text = text
        return text.withUTF8 { canonical(UnsafeRawBufferPointer($0), dateOnly: dateOnly) }.map { String(decoding: $0, as: UTF8.self) }
    }
}

public enum Flattener {
    /// An ISO 8601 date-time with an offset, normalised to `+09:00` (SQLite and SQL Server need
    /// the colon; NCP sends `+0900`). Nil when the text is not one.
    public static func timestamp(_ text: String) -> String? {
        let u = Array(text.utf8)
        guard u.count >= 20, u.count <= 35, u[4] == 0x2D, u[7] == 0x2D, u[10] == 0x54 || u[10] == 0x20, u[13] == 0x3A, u[16] == 0x3A else { return nil }
        func digits(_ range: Range<Int>) -> Bool { range.allSatisfy { $0 < u.count && (0x30...0x39).contains(u[$0]) } }
        guard digits(0..<4), digits(5..<7), digits(8..<10), digits(11..<13), digits(14..<16), digits(17..<19) else { return nil }
        var index = 19
        if index < u.count, u[index] == 0x2E {
            index += 1
            let start = index
            while index < u.count, (0x30...0x39).contains(u[index]) { index += 1 }
            guard index > start else { return nil }
        }
        let body = String(decoding: u[0..<index], as: UTF8.self)
        let zone = Array(u[index...])
        if zone == [0x5A] { return body + "+00:00" }
        guard zone.count == 5 || zone.count == 6, zone[0] == 0x2B || zone[0] == 0x2D else { return nil }
        let hours = zone[1...2], minutes = zone.count == 5 ? zone[3...4] : zone[4...5]
        guard zone.count == 5 || zone[3] == 0x3A, (hours + minutes).allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return body + String(decoding: [zone[0]] + hours + [0x3A] + minutes, as: UTF8.self)
    }
}

/// Turns JSON keys into safe column names: letters, digits and `_`; not starting with a digit;
/// no longer than the dialect allows; unique (also without regard to case where the database
/// ignores it), collisions numbered `_2`, `_3`. The same key always gets the same name.
/// A key that is not already a safe name (`a b`, `a]; DROP`, 200 characters) gets a short hash
/// of itself, so its name does not depend on which keys came first: `a b` and `a_b` never
/// trade columns between runs.
public struct ColumnNamer: Sendable {
    public let dialect: Dialect
    private var byKey: [String: String] = [:]
    private var taken: Set<String> = []
    private var existing: Set<String> = []
    /// Existing columns by their case-folded name, where the database ignores case.
    private var existingFolded: [String: String] = [:]
    private var claimed: Set<String> = []

    public init(dialect: Dialect, existing: [String] = []) {
        self.dialect = dialect
        for name in existing {
            taken.insert(normalise(name))
            self.existing.insert(name)
            if dialect.caseInsensitiveNames, existingFolded[normalise(name)] == nil { existingFolded[normalise(name)] = name }
        }
    }

    func normalise(_ name: String) -> String { dialect.caseInsensitiveNames ? name.lowercased() : name }

    /// Names a key. Candidates are tried in a fixed order (base, base_2, …): an existing column
    /// of exactly that name is reused, a free name is created, so reruns map keys the same way.
    public mutating func name(for key: String) -> String {
        if let known = byKey[key] { return known }
        var base = String(key.unicodeScalars.map { scalar -> Character in
            (scalar.properties.isAlphabetic && scalar.isASCII) || ("0"..."9").contains(scalar) || scalar == "_" ? Character(scalar) : "_"
        })
        if base.first.map({ $0.isNumber }) ?? true { base = "c_" + base }
        let limit = dialect.maxIdentifierLength
        if base != key || base.count > limit {
            // A table made before names carried the hash keeps its column.
            let legacy = String(base.prefix(limit))
            if existing.contains(legacy), !claimed.contains(legacy) {
                claimed.insert(legacy)
                byKey[key] = legacy
                return legacy
            }
            let tag = "_" + ColumnNamer.hash(key)
            base = String(base.prefix(limit - tag.count)) + tag
        }
        let plain = String(base.prefix(limit))
        var candidate = plain
        var counter = 2
        while true {
            if existing.contains(candidate), !claimed.contains(candidate) { break }
            if !taken.contains(normalise(candidate)) {
                if let same = existingFolded[normalise(plain)], !claimed.contains(same) {
                    // Where the database ignores case, `memorySize` IS an existing `MemorySize`
                    // (v2's tables were made by hand): insert into it rather than beside it.
                    candidate = same
                } else {
                    taken.insert(normalise(candidate))
                }
                break
            }
            let suffix = "_\(counter)"
            candidate = String(base.prefix(limit - suffix.count)) + suffix
            counter += 1
        }
        claimed.insert(candidate)
        byKey[key] = candidate
        return candidate
    }

    /// 8 hex digits of FNV-1a over the key's UTF-8: stable across runs, machines and versions.
    static func hash(_ key: String) -> String {
        var value: UInt32 = 0x811C_9DC5
        for byte in key.utf8 { value = (value ^ UInt32(byte)) &* 0x0100_0193 }
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
