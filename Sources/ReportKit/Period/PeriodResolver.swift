import Foundation

/// Turns a period expression into exact instants and a label (docs/contract.md: Periods), in one time zone.
/// Shell scripts never do date arithmetic: they ask `ncp-fetch period`.
public struct PeriodResolver: Sendable {
    public var timeZone: TimeZone
    public var now: Date
    /// Monthly periods start on this day (1…28); 20 gives the 20th-to-20th report.
    public var monthStartDay: Int
    public var weekStart: WeekStart
    /// The zone's name as the user gave it, for output.
    public var zoneName: String?

    public static let seoul = TimeZone(identifier: "Asia/Seoul")!

    public init(timeZone: TimeZone = PeriodResolver.seoul, now: Date = Date(), monthStartDay: Int = 1, weekStart: WeekStart = .monday) {
        self.timeZone = timeZone
        self.now = now
        self.monthStartDay = monthStartDay
        self.weekStart = weekStart
    }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        return calendar
    }

    public static let expected = "last-month, this-month, last-week, this-week, YYYY-MM, YYYY-Www or FROM..TO"

    /// The civil years (in the period's zone) a period may touch: epoch milliseconds are never
    /// negative and labels and timestamps always have four-digit years.
    public static let years = 1970...9999

    public func resolve(_ expression: String) throws(Failure) -> ReportPeriod {
        let text = expression.trimmingCharacters(in: .whitespaces)
        guard (1...28).contains(monthStartDay) else {
            throw Failure(.usage, "--month-start-day must be 1 to 28, got \(monthStartDay)")
        }
        let period: ReportPeriod
        switch text.lowercased() {
        case "last-month": period = try previousMonth(monthContaining(now))
        case "this-month": period = try monthContaining(now)
        case "last-week": period = try previousWeek(weekContaining(now))
        case "this-week": period = try weekContaining(now)
        default:
            if text.contains("..") {
                period = try custom(text)
            } else if let match = text.wholeMatch(of: /([0-9]{4})-([0-9]{2})/), let year = Int(match.1), let number = Int(match.2), (1...12).contains(number) {
                try Self.checkYear(year, expression)
                period = try month(year: year, month: number)
            } else if let match = text.wholeMatch(of: /([0-9]{4})-[Ww]([0-9]{2})/), let year = Int(match.1), let number = Int(match.2) {
                try Self.checkYear(year, expression)
                guard let week = try week(isoYear: year, week: number) else {
                    throw Failure(.usage, "\(year) has no ISO week \(number)", at: "--period")
                }
                period = week
            } else {
                throw Failure(.usage, "invalid period '\(expression)': expected \(PeriodResolver.expected)", at: "--period")
            }
        }
        try checkRange(period, expression)
        return period
    }

    static func checkYear(_ year: Int, _ expression: String) throws(Failure) {
        guard years.contains(year) else {
            throw Failure(.usage, "invalid period '\(expression)': year \(String(format: "%04d", year)) is outside 1970 to 9999", at: "--period")
        }
    }

    /// A period that starts before 1970 or ends after 9999 (from `--now` near either end).
    func checkRange(_ period: ReportPeriod, _ expression: String) throws(Failure) {
        if calendar.component(.year, from: period.start) < Self.years.lowerBound {
            throw Failure(.usage, "period '\(expression)' starts at \(Timestamps.iso8601(period.start, in: timeZone)), before 1970", at: "--period")
        }
        if calendar.component(.year, from: period.end) > Self.years.upperBound {
            throw Failure(.usage, "period '\(expression)' ends at \(Timestamps.iso8601(period.end, in: timeZone)), after 9999", at: "--period")
        }
    }

    /// A calendar result; nil only for instants far outside `years`, which never get here.
    func must<T>(_ value: T?, _ what: String) throws(Failure) -> T {
        guard let value else { throw Failure(.usage, "cannot compute \(what) in \(zoneName ?? timeZone.identifier)", at: "--period") }
        return value
    }

    // MARK: - Months

    func month(year: Int, month: Int) throws(Failure) -> ReportPeriod {
        let start = try must(calendar.date(from: DateComponents(year: year, month: month, day: monthStartDay)), "the start of \(year)-\(month)")
        let end = try must(calendar.date(byAdding: .month, value: 1, to: start), "the month after \(year)-\(month)")
        let label = monthStartDay == 1 ? String(format: "%04d-%02d", year, month) : try midnightLabel(start, end)
        return ReportPeriod(start: start, end: end, label: label, kind: .month, timeZone: timeZone, zoneName: zoneName)
    }

    func monthContaining(_ date: Date) throws(Failure) -> ReportPeriod {
        let parts = calendar.dateComponents([.year, .month], from: date)
        let candidate = try month(year: must(parts.year, "the year"), month: must(parts.month, "the month"))
        if date >= candidate.start { return candidate }
        return try previousMonth(candidate)
    }

    func previousMonth(_ period: ReportPeriod) throws(Failure) -> ReportPeriod {
        let earlier = try must(calendar.date(byAdding: .month, value: -1, to: period.start), "the month before \(period.label)")
        let parts = calendar.dateComponents([.year, .month], from: earlier)
        return try month(year: must(parts.year, "the year"), month: must(parts.month, "the month"))
    }

    // MARK: - Weeks

    func week(isoYear: Int, week: Int) throws(Failure) -> ReportPeriod? {
        guard week >= 1, let monday = calendar.date(from: DateComponents(weekday: 2, weekOfYear: week, yearForWeekOfYear: isoYear)),
            calendar.component(.yearForWeekOfYear, from: monday) == isoYear, calendar.component(.weekOfYear, from: monday) == week
        else { return nil }
        return try shiftedWeek(fromMonday: monday)
    }

    func shiftedWeek(fromMonday monday: Date) throws(Failure) -> ReportPeriod {
        let day = try must(calendar.date(byAdding: .day, value: weekStart.isoWeekday - 1, to: calendar.startOfDay(for: monday)), "the week's first day")
        let start = try must(calendar.date(bySettingHour: weekStart.hour, minute: weekStart.minute, second: 0, of: day), "the week's start")
        let end = try must(calendar.date(byAdding: .day, value: 7, to: start), "the week's end")
        return ReportPeriod(start: start, end: end, label: try weekLabel(start), kind: .week, timeZone: timeZone, zoneName: zoneName)
    }

    func weekContaining(_ date: Date) throws(Failure) -> ReportPeriod {
        let monday = try must(calendar.dateInterval(of: .weekOfYear, for: date), "the week").start
        let candidate = try shiftedWeek(fromMonday: monday)
        if date >= candidate.start { return candidate }
        return try previousWeek(candidate)
    }

    func previousWeek(_ period: ReportPeriod) throws(Failure) -> ReportPeriod {
        let earlier = try must(calendar.date(byAdding: .day, value: -7, to: period.start), "the week before \(period.label)")
        return try shiftedWeek(fromMonday: must(calendar.dateInterval(of: .weekOfYear, for: earlier), "the week").start)
    }

    func weekLabel(_ start: Date) throws(Failure) -> String {
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: start)
        return String(format: "%04d-W%02d", try must(parts.yearForWeekOfYear, "the ISO year"), try must(parts.weekOfYear, "the ISO week"))
    }

    // MARK: - FROM..TO

    func custom(_ text: String) throws(Failure) -> ReportPeriod {
        let sides = text.components(separatedBy: "..")
        let start: Date, end: Date
        do throws(InvalidInstant) {
            guard sides.count == 2 else { throw InvalidInstant(reason: nil) }
            start = try parseInstant(sides[0])
            end = try parseInstant(sides[1])
        } catch {
            throw Failure(
                .usage, "invalid period '\(text)': "
                    + (error.reason ?? "FROM..TO takes dates (2026-10-20) or date-times (2026-10-20T10:00, optionally with an offset)"),
                at: "--period")
        }
        guard start < end else { throw Failure(.usage, "period '\(text)' ends before it starts", at: "--period") }
        // The same window gets the same label whichever way it was asked for.
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: start)
        if parts.day == 1, parts.hour == 0, parts.minute == 0, parts.second == 0, let year = parts.year, let month = parts.month,
            calendar.date(byAdding: .month, value: 1, to: start) == end
        {
            return ReportPeriod(start: start, end: end, label: String(format: "%04d-%02d", year, month), kind: .custom, timeZone: timeZone, zoneName: zoneName)
        }
        let week = try weekContaining(start)
        if week.start == start, week.end == end {
            return ReportPeriod(start: start, end: end, label: week.label, kind: .custom, timeZone: timeZone, zoneName: zoneName)
        }
        if isMidnight(start), isMidnight(end) {
            return ReportPeriod(start: start, end: end, label: try midnightLabel(start, end), kind: .custom, timeZone: timeZone, zoneName: zoneName)
        }
        return ReportPeriod(start: start, end: end, label: "\(try compact(start))..\(try compact(end))", kind: .custom, timeZone: timeZone, zoneName: zoneName)
    }

    /// Why a date-time was refused: `reason` says what is wrong with it, nil when it is not in
    /// the expected form at all (the caller says what that form is).
    public struct InvalidInstant: Error, Sendable, Equatable {
        public let reason: String?
        public init(reason: String?) { self.reason = reason }
    }

    /// `2026-10-20`, `2026-10-20T10:00`, `2026-10-20T10:00:30`, each optionally with `Z` or an
    /// offset (`+09:00`, `+0900`); without one the period's zone applies. Nil when refused.
    public func instant(_ raw: String) -> Date? { try? parseInstant(raw) }

    /// Like `instant`, saying why: an offset beyond ±18:00 (no zone has one, and Foundation traps
    /// on it), a year outside 1970…9999, a day or time that does not exist. Digits are ASCII only.
    public func parseInstant(_ raw: String) throws(InvalidInstant) -> Date {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard let match = text.wholeMatch(of: /([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?/),
            let year = Int(match.1), let month = Int(match.2), let day = Int(match.3)
        else { throw InvalidInstant(reason: nil) }
        let hour = match.4.flatMap { Int($0) } ?? 0, minute = match.5.flatMap { Int($0) } ?? 0, second = match.6.flatMap { Int($0) } ?? 0
        guard Self.years.contains(year) else { throw InvalidInstant(reason: "year \(match.1) is outside 1970 to 9999") }
        let date = "\(match.1)-\(match.2)-\(match.3)"
        guard (1...12).contains(month), (1...31).contains(day) else { throw InvalidInstant(reason: "\(date) is not a date") }
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else {
            let time = [match.4, match.5, match.6].compactMap { $0 }.joined(separator: ":")
            throw InvalidInstant(reason: "\(date)T\(time) is not a time of day")
        }
        var zoneCalendar = calendar
        if let offset = match.7 {
            guard let zone = Self.zone(offset: String(offset)) else {
                throw InvalidInstant(reason: "invalid UTC offset \(offset): expected -18:00 to +18:00")
            }
            zoneCalendar.timeZone = zone
        }
        let parts = DateComponents(calendar: zoneCalendar, year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let instant = zoneCalendar.date(from: parts),
            zoneCalendar.component(.day, from: instant) == day  // 2026-02-30 is not a date
        else { throw InvalidInstant(reason: "\(date) is not a date") }
        return instant
    }

    /// `Z`, `+09:00` or `+0900` as a fixed zone; nil beyond ±18:00 or with minutes over 59.
    static func zone(offset: String) -> TimeZone? {
        if offset == "Z" { return TimeZone(secondsFromGMT: 0) }
        let digits = offset.dropFirst().filter { $0 != ":" }
        guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)), minutes < 60 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        guard seconds <= 18 * 3600 else { return nil }
        return TimeZone(secondsFromGMT: offset.hasPrefix("-") ? -seconds : seconds)
    }

    func isMidnight(_ date: Date) -> Bool { calendar.startOfDay(for: date) == date }

    func midnightLabel(_ start: Date, _ end: Date) throws(Failure) -> String {
        func day(_ date: Date) throws(Failure) -> String {
            let p = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", try must(p.year, "the year"), try must(p.month, "the month"), try must(p.day, "the day"))
        }
        return "\(try day(start))..\(try day(end))"
    }

    /// `20261020T1000` (seconds only when not zero): no colons, safe in file names.
    func compact(_ date: Date) throws(Failure) -> String {
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let base = String(
            format: "%04d%02d%02dT%02d%02d", try must(p.year, "the year"), try must(p.month, "the month"), try must(p.day, "the day"),
            try must(p.hour, "the hour"), try must(p.minute, "the minute"))
        let second = try must(p.second, "the second")
        return second == 0 ? base : base + String(format: "%02d", second)
    }
}
