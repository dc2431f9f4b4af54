import Foundation

/// Turns a period expression into exact instants and a label (DESIGN.md §3), in one time zone.
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

    public func resolve(_ expression: String) throws(Failure) -> ReportPeriod {
        let text = expression.trimmingCharacters(in: .whitespaces)
        guard (1...28).contains(monthStartDay) else {
            throw Failure(.usage, "--month-start-day must be 1 to 28, got \(monthStartDay)")
        }
        switch text.lowercased() {
        case "last-month": return previousMonth(monthContaining(now))
        case "this-month": return monthContaining(now)
        case "last-week": return previousWeek(weekContaining(now))
        case "this-week": return weekContaining(now)
        default: break
        }
        if text.contains("..") { return try custom(text) }
        if let match = text.wholeMatch(of: /(\d{4})-(\d{2})/), let year = Int(match.1), let number = Int(match.2), (1...12).contains(number) {
            return month(year: year, month: number)
        }
        if let match = text.wholeMatch(of: /(\d{4})-[Ww](\d{2})/), let year = Int(match.1), let number = Int(match.2) {
            guard let period = week(isoYear: year, week: number) else {
                throw Failure(.usage, "\(year) has no ISO week \(number)", at: "--period")
            }
            return period
        }
        throw Failure(.usage, "invalid period '\(expression)': expected \(PeriodResolver.expected)", at: "--period")
    }

    // MARK: - Months

    func month(year: Int, month: Int) -> ReportPeriod {
        let start = calendar.date(from: DateComponents(year: year, month: month, day: monthStartDay))!
        let end = calendar.date(byAdding: .month, value: 1, to: start)!
        let label = monthStartDay == 1 ? String(format: "%04d-%02d", year, month) : midnightLabel(start, end)
        return ReportPeriod(start: start, end: end, label: label, kind: .month, timeZone: timeZone, zoneName: zoneName)
    }

    func monthContaining(_ date: Date) -> ReportPeriod {
        let parts = calendar.dateComponents([.year, .month], from: date)
        let candidate = month(year: parts.year!, month: parts.month!)
        if date >= candidate.start { return candidate }
        return previousMonth(candidate)
    }

    func previousMonth(_ period: ReportPeriod) -> ReportPeriod {
        let earlier = calendar.date(byAdding: .month, value: -1, to: period.start)!
        let parts = calendar.dateComponents([.year, .month], from: earlier)
        return month(year: parts.year!, month: parts.month!)
    }

    // MARK: - Weeks

    func week(isoYear: Int, week: Int) -> ReportPeriod? {
        guard week >= 1, let monday = calendar.date(from: DateComponents(weekday: 2, weekOfYear: week, yearForWeekOfYear: isoYear)),
            calendar.component(.yearForWeekOfYear, from: monday) == isoYear, calendar.component(.weekOfYear, from: monday) == week
        else { return nil }
        return shiftedWeek(fromMonday: monday)
    }

    func shiftedWeek(fromMonday monday: Date) -> ReportPeriod {
        let day = calendar.date(byAdding: .day, value: weekStart.isoWeekday - 1, to: calendar.startOfDay(for: monday))!
        let start = calendar.date(bySettingHour: weekStart.hour, minute: weekStart.minute, second: 0, of: day)!
        let end = calendar.date(byAdding: .day, value: 7, to: start)!
        return ReportPeriod(start: start, end: end, label: weekLabel(start), kind: .week, timeZone: timeZone, zoneName: zoneName)
    }

    func weekContaining(_ date: Date) -> ReportPeriod {
        let monday = calendar.dateInterval(of: .weekOfYear, for: date)!.start
        let candidate = shiftedWeek(fromMonday: monday)
        if date >= candidate.start { return candidate }
        return previousWeek(candidate)
    }

    func previousWeek(_ period: ReportPeriod) -> ReportPeriod {
        let earlier = calendar.date(byAdding: .day, value: -7, to: period.start)!
        return shiftedWeek(fromMonday: calendar.dateInterval(of: .weekOfYear, for: earlier)!.start)
    }

    func weekLabel(_ start: Date) -> String {
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: start)
        return String(format: "%04d-W%02d", parts.yearForWeekOfYear!, parts.weekOfYear!)
    }

    // MARK: - FROM..TO

    func custom(_ text: String) throws(Failure) -> ReportPeriod {
        let sides = text.components(separatedBy: "..")
        guard sides.count == 2, let start = instant(sides[0]), let end = instant(sides[1]) else {
            throw Failure(.usage, "invalid period '\(text)': FROM..TO takes dates (2026-10-20) or date-times (2026-10-20T10:00, optionally with an offset)", at: "--period")
        }
        guard start < end else { throw Failure(.usage, "period '\(text)' ends before it starts", at: "--period") }
        // The same window gets the same label whichever way it was asked for.
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: start)
        if parts.day == 1, parts.hour == 0, parts.minute == 0, parts.second == 0,
            calendar.date(byAdding: .month, value: 1, to: start) == end
        {
            return ReportPeriod(start: start, end: end, label: String(format: "%04d-%02d", parts.year!, parts.month!), kind: .custom, timeZone: timeZone, zoneName: zoneName)
        }
        let week = weekContaining(start)
        if week.start == start, week.end == end {
            return ReportPeriod(start: start, end: end, label: week.label, kind: .custom, timeZone: timeZone, zoneName: zoneName)
        }
        if isMidnight(start), isMidnight(end) {
            return ReportPeriod(start: start, end: end, label: midnightLabel(start, end), kind: .custom, timeZone: timeZone, zoneName: zoneName)
        }
        return ReportPeriod(start: start, end: end, label: "\(compact(start))..\(compact(end))", kind: .custom, timeZone: timeZone, zoneName: zoneName)
    }

    /// `2026-10-20`, `2026-10-20T10:00`, `2026-10-20T10:00:30`, each optionally with `Z` or an
    /// offset (`+09:00`, `+0900`); without one the period's zone applies.
    public func instant(_ raw: String) -> Date? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard let match = text.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?/) else {
            return nil
        }
        var parts = DateComponents(year: Int(match.1), month: Int(match.2), day: Int(match.3),
                                   hour: match.4.flatMap { Int($0) } ?? 0, minute: match.5.flatMap { Int($0) } ?? 0,
                                   second: match.6.flatMap { Int($0) } ?? 0)
        guard (1...12).contains(parts.month!), (1...31).contains(parts.day!), (0...23).contains(parts.hour!),
            (0...59).contains(parts.minute!), (0...59).contains(parts.second!)
        else { return nil }
        var zoneCalendar = calendar
        if let offset = match.7 {
            let value = offset == "Z" ? "+0000" : offset.replacingOccurrences(of: ":", with: "")
            let sign = value.hasPrefix("-") ? -1 : 1
            let digits = value.dropFirst()
            guard let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)) else { return nil }
            zoneCalendar.timeZone = TimeZone(secondsFromGMT: sign * (hours * 3600 + minutes * 60))!
        }
        parts.calendar = zoneCalendar
        guard let date = zoneCalendar.date(from: parts),
            zoneCalendar.component(.day, from: date) == parts.day  // 2026-02-30 is not a date
        else { return nil }
        return date
    }

    func isMidnight(_ date: Date) -> Bool { calendar.startOfDay(for: date) == date }

    func midnightLabel(_ start: Date, _ end: Date) -> String {
        func day(_ date: Date) -> String {
            let p = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", p.year!, p.month!, p.day!)
        }
        return "\(day(start))..\(day(end))"
    }

    /// `20261020T1000` (seconds only when not zero): no colons, safe in file names.
    func compact(_ date: Date) -> String {
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let base = String(format: "%04d%02d%02dT%02d%02d", p.year!, p.month!, p.day!, p.hour!, p.minute!)
        return p.second! == 0 ? base : base + String(format: "%02d", p.second!)
    }
}
