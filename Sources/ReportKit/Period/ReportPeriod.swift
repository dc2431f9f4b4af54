import Foundation

/// A report window: exact instants (half-open, start included, end excluded) and the canonical
/// label used in file paths and database columns (docs/contract.md: Periods).
public struct ReportPeriod: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case month, week, custom
    }

    public let start: Date
    public let end: Date
    public let label: String
    public let kind: Kind
    public let timeZone: TimeZone
    /// The zone as it was named (Foundation reports "UTC" as "GMT").
    public let zoneName: String

    public init(start: Date, end: Date, label: String, kind: Kind, timeZone: TimeZone, zoneName: String? = nil) {
        self.start = start
        self.end = end
        self.label = label
        self.kind = kind
        self.timeZone = timeZone
        self.zoneName = zoneName ?? timeZone.identifier
    }

    public var startMillis: Int64 { Int64((start.timeIntervalSince1970 * 1000).rounded()) }
    public var endMillis: Int64 { Int64((end.timeIntervalSince1970 * 1000).rounded()) }

    /// What `ncp-fetch period` prints.
    public var json: JSONValue {
        .object(JSONObject([
            ("label", .string(label)),
            ("start", .string(Timestamps.iso8601(start, in: timeZone))),
            ("end", .string(Timestamps.iso8601(end, in: timeZone))),
            ("startMs", .int(startMillis)),
            ("endMs", .int(endMillis)),
            ("tz", .string(zoneName)),
        ]))
    }

    /// The calendar day before the end's day, as a `--period FROM..TO` value: what the v2
    /// system's NAS usage covered ("yesterday" when it ran, just after the period).
    public var lastDay: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let to = calendar.startOfDay(for: end)
        let from = calendar.date(byAdding: .day, value: -1, to: to) ?? to
        return "\(Timestamps.iso8601(from, in: timeZone))..\(Timestamps.iso8601(to, in: timeZone))"
    }
}

/// When weekly periods start: a weekday and a time of day (`mon 10:00`). ISO weeks start
/// Monday 00:00.
public struct WeekStart: Sendable, Equatable {
    /// 1 = Monday … 7 = Sunday (ISO 8601 numbering).
    public let isoWeekday: Int
    public let hour: Int
    public let minute: Int

    public static let monday = WeekStart(isoWeekday: 1, hour: 0, minute: 0)

    public init(isoWeekday: Int, hour: Int, minute: Int) {
        self.isoWeekday = isoWeekday
        self.hour = hour
        self.minute = minute
    }

    static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// `mon`, `mon 10:00`, `Monday 10:00`, `sun 23:30`.
    public init?(parsing text: String) {
        let parts = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let dayPart = parts.first, parts.count <= 2,
            let day = WeekStart.days.firstIndex(where: { dayPart.hasPrefix($0) && WeekStart.fullName($0).hasPrefix(dayPart) })
        else { return nil }
        var hour = 0, minute = 0
        if parts.count == 2 {
            let time = parts[1].split(separator: ":")
            guard time.count == 2, let h = Int(time[0]), let m = Int(time[1]), (0...23).contains(h), (0...59).contains(m),
                time[1].count == 2
            else { return nil }
            hour = h
            minute = m
        }
        self.init(isoWeekday: day + 1, hour: hour, minute: minute)
    }

    static func fullName(_ short: String) -> String {
        ["mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday", "fri": "friday",
         "sat": "saturday", "sun": "sunday"][short]!
    }
}
