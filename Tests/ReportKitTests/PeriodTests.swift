import Foundation
import Testing
@testable import ReportKit

/// docs/contract.md (Periods), case by case: the edges the v2 system got wrong (naive local time, inclusive ends).
struct PeriodTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let expression: String
        let now: String
        var tz = "Asia/Seoul"
        var monthStartDay = 1
        var weekStart = "mon"
        let start: String
        let end: String
        let label: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "January: last month is December of the previous year", expression: "last-month", now: "2026-01-15T12:00:00+09:00",
             start: "2025-12-01T00:00:00+09:00", end: "2026-01-01T00:00:00+09:00", label: "2025-12"),
        Case(name: "February in a common year has 28 days", expression: "this-month", now: "2026-02-10T08:00:00+09:00",
             start: "2026-02-01T00:00:00+09:00", end: "2026-03-01T00:00:00+09:00", label: "2026-02"),
        Case(name: "February in a leap year has 29 days", expression: "2024-02", now: "2026-11-26T00:00:00+09:00",
             start: "2024-02-01T00:00:00+09:00", end: "2024-03-01T00:00:00+09:00", label: "2024-02"),
        Case(name: "last month from March in a leap year", expression: "last-month", now: "2024-03-01T00:00:00+09:00",
             start: "2024-02-01T00:00:00+09:00", end: "2024-03-01T00:00:00+09:00", label: "2024-02"),
        Case(name: "a 30-day month", expression: "2026-04", now: "2026-11-26T00:00:00+09:00",
             start: "2026-04-01T00:00:00+09:00", end: "2026-05-01T00:00:00+09:00", label: "2026-04"),
        Case(name: "a 31-day month", expression: "2026-07", now: "2026-11-26T00:00:00+09:00",
             start: "2026-07-01T00:00:00+09:00", end: "2026-08-01T00:00:00+09:00", label: "2026-07"),
        Case(name: "at the first instant of a month, last month is complete", expression: "last-month", now: "2026-11-01T00:00:00+09:00",
             start: "2026-10-01T00:00:00+09:00", end: "2026-11-01T00:00:00+09:00", label: "2026-10"),
        Case(name: "one second earlier it is the month before", expression: "last-month", now: "2026-10-31T23:59:59+09:00",
             start: "2026-09-01T00:00:00+09:00", end: "2026-10-01T00:00:00+09:00", label: "2026-09"),
        Case(name: "20th cycle across the year end, early January", expression: "last-month", now: "2026-01-05T09:00:00+09:00",
             monthStartDay: 20, start: "2025-11-20T00:00:00+09:00", end: "2025-12-20T00:00:00+09:00", label: "2025-11-20..2025-12-20"),
        Case(name: "20th cycle across the year end, late January", expression: "last-month", now: "2026-01-25T09:00:00+09:00",
             monthStartDay: 20, start: "2025-12-20T00:00:00+09:00", end: "2026-01-20T00:00:00+09:00", label: "2025-12-20..2026-01-20"),
        Case(name: "20th cycle never includes both 20ths", expression: "this-month", now: "2026-11-20T00:00:00+09:00",
             monthStartDay: 20, start: "2026-11-20T00:00:00+09:00", end: "2026-12-20T00:00:00+09:00", label: "2026-11-20..2026-12-20"),
        Case(name: "named month with a start day", expression: "2026-10", now: "2026-11-26T00:00:00+09:00",
             monthStartDay: 20, start: "2026-10-20T00:00:00+09:00", end: "2026-11-20T00:00:00+09:00", label: "2026-10-20..2026-11-20"),
        Case(name: "weekly report on a Monday before 10:00", expression: "last-week", now: "2026-11-23T09:59:59+09:00",
             weekStart: "mon 10:00", start: "2026-11-09T10:00:00+09:00", end: "2026-11-16T10:00:00+09:00", label: "2026-W46"),
        Case(name: "weekly report on a Monday at 10:00", expression: "last-week", now: "2026-11-23T10:00:00+09:00",
             weekStart: "mon 10:00", start: "2026-11-16T10:00:00+09:00", end: "2026-11-23T10:00:00+09:00", label: "2026-W47"),
        Case(name: "plain ISO week", expression: "last-week", now: "2026-11-26T12:00:00+09:00",
             start: "2026-11-16T00:00:00+09:00", end: "2026-11-23T00:00:00+09:00", label: "2026-W47"),
        Case(name: "ISO week 1 starts in the previous year", expression: "2026-W01", now: "2026-11-26T00:00:00+09:00",
             start: "2025-12-29T00:00:00+09:00", end: "2026-01-05T00:00:00+09:00", label: "2026-W01"),
        Case(name: "a 53-week year", expression: "2020-W53", now: "2026-11-26T00:00:00+09:00",
             start: "2020-12-28T00:00:00+09:00", end: "2021-01-04T00:00:00+09:00", label: "2020-W53"),
        Case(name: "a Sunday-evening week start stays in its ISO week", expression: "2026-W47", now: "2026-11-26T00:00:00+09:00",
             weekStart: "sun 22:30", start: "2026-11-22T22:30:00+09:00", end: "2026-11-29T22:30:00+09:00", label: "2026-W47"),
        Case(name: "the same instant seen from Seoul", expression: "last-month", now: "2026-10-31T16:30:00Z",
             start: "2026-10-01T00:00:00+09:00", end: "2026-11-01T00:00:00+09:00", label: "2026-10"),
        Case(name: "the same instant seen from UTC", expression: "last-month", now: "2026-10-31T16:30:00Z", tz: "UTC",
             start: "2026-09-01T00:00:00+00:00", end: "2026-10-01T00:00:00+00:00", label: "2026-09"),
        Case(name: "FROM..TO with dates", expression: "2026-10-20..2026-11-20", now: "2026-11-26T00:00:00+09:00",
             start: "2026-10-20T00:00:00+09:00", end: "2026-11-20T00:00:00+09:00", label: "2026-10-20..2026-11-20"),
        Case(name: "FROM..TO that is a calendar month gets the month label", expression: "2026-10-01..2026-11-01", now: "2026-11-26T00:00:00+09:00",
             start: "2026-10-01T00:00:00+09:00", end: "2026-11-01T00:00:00+09:00", label: "2026-10"),
        Case(name: "FROM..TO that is the configured week gets the week label", expression: "2026-11-16T10:00..2026-11-23T10:00",
             now: "2026-11-26T00:00:00+09:00", weekStart: "mon 10:00",
             start: "2026-11-16T10:00:00+09:00", end: "2026-11-23T10:00:00+09:00", label: "2026-W47"),
        Case(name: "FROM..TO with times", expression: "2026-11-16T10:00..2026-11-23T10:00", now: "2026-11-26T00:00:00+09:00",
             start: "2026-11-16T10:00:00+09:00", end: "2026-11-23T10:00:00+09:00", label: "20261116T1000..20261123T1000"),
        Case(name: "FROM..TO with offsets", expression: "2026-11-01T00:00:00Z..2026-11-02T00:00:30Z", now: "2026-11-26T00:00:00+09:00",
             start: "2026-11-01T09:00:00+09:00", end: "2026-11-02T09:00:30+09:00", label: "20261101T0900..20261102T090030"),
    ]

    @Test(arguments: cases)
    func resolves(_ c: Case) throws {
        let zone = try #require(TimeZone(identifier: c.tz))
        var resolver = PeriodResolver(timeZone: zone, monthStartDay: c.monthStartDay, weekStart: try #require(WeekStart(parsing: c.weekStart)))
        resolver.now = try #require(resolver.instant(c.now))
        let period = try resolver.resolve(c.expression)
        #expect(Timestamps.iso8601(period.start, in: zone) == c.start)
        #expect(Timestamps.iso8601(period.end, in: zone) == c.end)
        #expect(period.label == c.label)
        #expect(!period.label.contains(":"))
    }

    @Test(arguments: ["2021-W53", "2026-13", "2026-02-30..2026-03-01", "2026-11-02..2026-11-01", "yesterday", "2026-10-01..", "2026-W00"])
    func rejects(_ expression: String) {
        #expect { try PeriodResolver().resolve(expression) } throws: { ($0 as? Failure)?.exitStatus == .usage }
    }

    @Test func monthStartDayMustBeInEveryMonth() {
        #expect(throws: Failure.self) { try PeriodResolver(monthStartDay: 29).resolve("last-month") }
    }

    @Test(arguments: [("mon", 1, 0, 0), ("Monday 10:00", 1, 10, 0), ("sun 23:30", 7, 23, 30), ("tue 9:05", 2, 9, 5)])
    func parsesWeekStarts(_ text: String, _ day: Int, _ hour: Int, _ minute: Int) {
        #expect(WeekStart(parsing: text) == WeekStart(isoWeekday: day, hour: hour, minute: minute))
    }

    @Test(arguments: ["moon", "mon 25:00", "mon 10", "mon 10:0", "x 10:00", ""])
    func rejectsWeekStarts(_ text: String) {
        #expect(WeekStart(parsing: text) == nil)
    }

    @Test func jsonHasEveryField() throws {
        var resolver = PeriodResolver()
        resolver.now = try #require(resolver.instant("2026-11-26T10:00:00+09:00"))
        let json = try resolver.resolve("last-month").json
        #expect(json.objectValue?.keys == ["label", "start", "end", "startMs", "endMs", "tz"])
        #expect(json["startMs"] == .number("1790780400000"))
        #expect(json["endMs"] == .number("1793458800000"))
        #expect(json["tz"]?.stringValue == "Asia/Seoul")
    }

    @Test func consecutivePeriodsTile() throws {
        var resolver = PeriodResolver(monthStartDay: 20, weekStart: try #require(WeekStart(parsing: "mon 10:00")))
        resolver.now = try #require(resolver.instant("2026-03-21T00:00:00+09:00"))
        var month = try resolver.resolve("this-month")
        for _ in 0..<30 {
            let previous = try resolver.previousMonth(month)
            #expect(previous.end == month.start)
            month = previous
        }
        var week = try resolver.resolve("this-week")
        for _ in 0..<120 {
            let previous = try resolver.previousWeek(week)
            #expect(previous.end == week.start)
            #expect(week.end.timeIntervalSince(week.start) == 7 * 86400)
            week = previous
        }
    }
}
