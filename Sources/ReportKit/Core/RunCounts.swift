import ArgumentParser
import Foundation

/// What a run's outcome records add up to, counted once for everyone who reports them: the
/// runner's table on stderr and the Teams summary card say the same numbers.
public struct RunCounts: Sendable {
    public struct Customer: Sendable {
        public let id: String
        /// Outcome records by status (every step: fetch/metrics, json, load).
        public var byStatus: [String: Int] = [:]
        /// Rows the successful loads wrote.
        public var rows = 0
        public func count(_ status: String) -> Int { byStatus[status, default: 0] }
    }

    /// Failures or denials of one customer with the same exit status and message, and all of a
    /// customer's refusals (exit 77 failures): a key the gateway refuses fails every step, and
    /// is one line, not one per step.
    public struct Problem: Sendable {
        public let customer: String
        public let status: String
        public let exit: Int?
        public let error: String?
        /// `platform/region/resource` and step of each record, in order.
        public var places: [(place: String, step: String)]

        /// "classic/KR/server (load, exit 65)", or for a group "3 steps (exit 77): vpc/JPN/nas-volume
        /// (fetch), vpc/KR/nas-volume (fetch), …".
        public func location(_ language: ReportLanguage, shown: Int = 6) -> String {
            let exitText = exit.map { "exit \($0)" }
            if places.count == 1, let only = places.first {
                return only.place + " (" + [only.step, exitText].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ") + ")"
            }
            let listed = places.prefix(shown).map { $0.step.isEmpty ? $0.place : "\($0.place) (\($0.step))" }.joined(separator: ", ")
            return language.onSteps(places.count) + (exitText.map { " (\($0))" } ?? "") + ": " + listed + (places.count > shown ? ", …" : "")
        }
    }

    public private(set) var byStatus: [String: Int] = [:]
    public private(set) var customers: [Customer] = []
    public private(set) var problems: [Problem] = []
    public let records: Int

    /// `customers` fixes the order (and lists customers that have no record yet); others
    /// follow in order of first appearance.
    public init(_ records: [OutcomeRecord], customers order: [String] = []) {
        self.records = records.count
        var index: [String: Int] = [:]
        func slot(_ id: String) -> Int {
            if let at = index[id] { return at }
            customers.append(Customer(id: id))
            index[id] = customers.count - 1
            return customers.count - 1
        }
        for id in order { _ = slot(id) }
        var problemIndex: [String: Int] = [:]
        for record in records {
            byStatus[record.status, default: 0] += 1
            let at = slot(record.customer)
            customers[at].byStatus[record.status, default: 0] += 1
            if record.step == "load", record.status == "ok" { customers[at].rows += record.items ?? 0 }
            guard record.status == "failed" || record.status == "denied" else { continue }
            let place = (place: [record.platform, record.region, record.resource].filter { !$0.isEmpty }.joined(separator: "/"), step: record.step)
            // A refused key (a failure with exit 77: the gateway refused the key, not a
            // withheld permission) fails every step with its own request in the message: one
            // line for the customer, showing the first message. Other failures group when their
            // messages are the same.
            let refused = record.status == "failed" && record.exit == Int(ExitStatus.noPermission.rawValue)
            let key = [record.customer, record.status, record.exit.map(String.init) ?? "", refused ? "" : record.error ?? ""].joined(separator: "\u{1F}")
            if let existing = problemIndex[key] {
                problems[existing].places.append(place)
            } else {
                problemIndex[key] = problems.count
                problems.append(Problem(customer: record.customer, status: record.status, exit: record.exit, error: record.error, places: [place]))
            }
        }
        // Grouped by customer in table order, each customer's problems in input order.
        let rank = Dictionary(uniqueKeysWithValues: customers.enumerated().map { ($0.element.id, $0.offset) })
        problems = problems.enumerated().sorted { a, b in
            let (ra, rb) = (rank[a.element.customer] ?? 0, rank[b.element.customer] ?? 0)
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }

    public func count(_ status: String) -> Int { byStatus[status, default: 0] }
}

/// The language of what people read at the end of a run (`--lang`, `$REPORT_LANG`): the
/// stderr table and the summary card. Data (ids, resources, messages) stays as it is.
public enum ReportLanguage: String, Sendable, CaseIterable, ExpressibleByArgument {
    case en, ko

    /// `--lang EN` is English too, as `$REPORT_LANG=EN` is.
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased())
    }

    public static func resolve(_ value: String?) throws(Failure) -> ReportLanguage {
        guard let value, !value.isEmpty else { return .en }
        guard let language = ReportLanguage(rawValue: value.lowercased()) else {
            throw Failure(.usage, "--lang must be en or ko, got '\(value)'")
        }
        return language
    }

    public func status(_ status: String) -> String {
        guard self == .ko else { return status }
        return ["ok": "성공", "skipped": "건너뜀", "denied": "권한 없음", "failed": "실패"][status] ?? status
    }

    public var customer: String { self == .ko ? "고객" : "customer" }
    public var rows: String { self == .ko ? "행" : "rows" }
    public var steps: String { self == .ko ? "단계" : "Steps" }
    public var customers: String { self == .ko ? "고객 수" : "Customers" }
    public var perCustomer: String { self == .ko ? "고객별" : "Per customer" }
    public var problemsHeading: String { self == .ko ? "실패 및 권한 없음" : "Failures and denials" }
    public var noMessage: String { self == .ko ? "메시지 없음" : "no message" }

    public func allSucceeded(_ steps: Int) -> String { self == .ko ? "\(steps)개 단계 모두 성공" : "all \(steps) steps succeeded" }
    public func failedDenied(_ failed: Int, _ denied: Int) -> String {
        self == .ko ? "실패 \(failed), 권한 없음 \(denied)" : "\(failed) failed, \(denied) denied"
    }
    public func moreCustomers(_ n: Int) -> String { self == .ko ? "…외 고객 \(n)명은 표시하지 않음" : "…and \(n) more customers not shown" }
    public func moreProblems(_ n: Int) -> String { self == .ko ? "…외 \(n)건은 표시하지 않음" : "…and \(n) more not shown" }
    public func onSteps(_ n: Int) -> String { self == .ko ? "\(n)개 단계" : "\(n) steps" }
    public func footer(records: Int, seconds: Double, runDirectory: String) -> String {
        let time = String(format: "%.1f", seconds)
        return self == .ko ? "결과 레코드 \(records)개, \(time)초; 로그와 결과: \(runDirectory)"
            : "\(records) outcome records in \(time) s; logs and outcomes in \(runDirectory)"
    }
}

/// Columns on a terminal: Hangul, CJK and full-width forms take two, combining marks none.
public enum TextWidth {
    public static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.value {
            case 0x0300...0x036F, 0x200B...0x200F, 0xFE00...0xFE0F: return width
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
                 0x20000...0x3FFFD:
                return width + 2
            default: return width + 1
            }
        }
    }

    /// The text padded with spaces to `width` columns (right-aligned unless `left`).
    public static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - of(text)))
        return left ? text + padding : padding + text
    }
}
