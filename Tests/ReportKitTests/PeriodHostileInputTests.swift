import Foundation
import Testing
@testable import ReportKit

/// Period expressions and instants meant to break the resolver: offsets no zone has, digits that
/// are not ASCII, years outside 1970…9999. Each is a usage error (exit 64) saying why, never a
/// trap.
struct PeriodHostileInputTests {
    /// A usage error with exactly this message and location.
    static func isUsage(_ error: any Error, _ message: String, at location: String? = nil) -> Bool {
        guard let failure = error as? Failure else { return false }
        return failure.exitStatus == .usage && failure.message == message && failure.location == location
    }

    @Test(arguments: [
        ("2026-11-01T00:00:00+19:00", "invalid UTC offset +19:00: expected -18:00 to +18:00"),
        ("2026-11-01T00:00:00-18:01", "invalid UTC offset -18:01: expected -18:00 to +18:00"),
        ("2026-11-01T00:00:00+9999", "invalid UTC offset +9999: expected -18:00 to +18:00"),
        ("2026-11-01T00:00:00+05:60", "invalid UTC offset +05:60: expected -18:00 to +18:00"),
        ("0000-01-01", "year 0000 is outside 1970 to 9999"),
        ("1969-12-31T23:59", "year 1969 is outside 1970 to 9999"),
        ("2026-02-30", "2026-02-30 is not a date"),
        ("2026-11-01T24:00", "2026-11-01T24:00 is not a time of day"),
    ])
    func instantsSayWhyTheyAreRefused(_ text: String, _ reason: String) {
        #expect(throws: PeriodResolver.InvalidInstant(reason: reason)) { try PeriodResolver().parseInstant(text) }
        #expect(PeriodResolver().instant(text) == nil)
    }

    @Test(arguments: ["٢٠٢٦-١٠-٠١", "２０２６-１０-０１", "2026-10-01T10:00+٠٩:٠٠", "𝟚𝟘𝟚𝟞-𝟙𝟘-𝟘𝟙", "2026-1٠-01"])
    func nonASCIIDigitsAreNotADate(_ text: String) {
        #expect(throws: PeriodResolver.InvalidInstant(reason: nil)) { try PeriodResolver().parseInstant(text) }
    }

    @Test(arguments: [
        ("2026-11-01T00:00:00+18:00", "2026-10-31T06:00:00Z"), ("2026-11-01T00:00:00-1800", "2026-11-01T18:00:00Z"),
        ("2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z"), ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        ("9999-12-31T23:59:59+09:00", "9999-12-31T14:59:59Z"),
    ])
    func instantsAtTheEdgesStillParse(_ text: String, _ utc: String) throws {
        let date = try PeriodResolver().parseInstant(text)
        #expect(date.formatted(.iso8601) == utc)
    }

    @Test(arguments: [
        ("0000-01", "", "invalid period '0000-01': year 0000 is outside 1970 to 9999"),
        ("1969-12", "", "invalid period '1969-12': year 1969 is outside 1970 to 9999"),
        ("0000-W01", "", "invalid period '0000-W01': year 0000 is outside 1970 to 9999"),
        ("9999-12", "", "period '9999-12' ends at 10000-01-01T00:00:00+09:00, after 9999"),
        ("9999-W52", "sun", "period '9999-W52' ends at 10000-01-09T00:00:00+09:00, after 9999"),
        ("this-month", "9999-12-31T00:00:00+09:00", "period 'this-month' ends at 10000-01-01T00:00:00+09:00, after 9999"),
        ("last-month", "1970-01-15T00:00:00+09:00", "period 'last-month' starts at 1969-12-01T00:00:00+09:00, before 1970"),
        ("last-week", "1970-01-02T00:00:00Z", "period 'last-week' starts at 1969-12-22T00:00:00+09:00, before 1970"),
        ("2026-10-01T00:00+18:01..2026-11-01", "", "invalid period '2026-10-01T00:00+18:01..2026-11-01': invalid UTC offset +18:01: expected -18:00 to +18:00"),
        ("1969-12-31..2026-01-01", "", "invalid period '1969-12-31..2026-01-01': year 1969 is outside 1970 to 9999"),
        ("٢٠٢٦-١٠", "", "invalid period '٢٠٢٦-١٠': expected \(PeriodResolver.expected)"),
    ])
    func periodsSayWhyTheyAreRefused(_ expression: String, _ context: String, _ message: String) throws {
        var resolver = PeriodResolver()
        if context.hasPrefix("1") || context.hasPrefix("9") {
            resolver.now = try resolver.parseInstant(context)
        } else if !context.isEmpty {
            resolver.weekStart = try #require(WeekStart(parsing: context))
        }
        #expect { try resolver.resolve(expression) } throws: { Self.isUsage($0, message, at: "--period") }
    }

    @Test func nowIsRefusedNamingItsFlagAndValue() throws {
        let flag = try PeriodOptions.parse(["--now", "2026-11-01T00:00:00+19:00"])
        #expect { try flag.resolver(EnvironmentFallback([:])) } throws: {
            Self.isUsage($0, "invalid value '2026-11-01T00:00:00+19:00' for --now: invalid UTC offset +19:00: expected -18:00 to +18:00")
        }
        #expect { try PeriodOptions.parse([]).resolver(EnvironmentFallback(["REPORT_NOW": "0000-01-01"])) } throws: {
            Self.isUsage($0, "invalid value '0000-01-01' for $REPORT_NOW: year 0000 is outside 1970 to 9999")
        }
        #expect { try PeriodOptions.parse(["--now", "soon"]).resolver(EnvironmentFallback([:])) } throws: {
            Self.isUsage($0, "invalid value 'soon' for --now: expected an ISO 8601 date-time such as 2026-11-01T00:10:00+09:00")
        }
    }

    @Test func everyMonthAndWeekOfTheRangeResolves() throws {
        let resolver = PeriodResolver(timeZone: try #require(TimeZone(identifier: "Pacific/Kiritimati")))
        #expect(try resolver.resolve("1970-01").label == "1970-01")
        #expect(try resolver.resolve("9999-11").label == "9999-11")
        #expect(try resolver.resolve("9999-W51").label == "9999-W51")
    }
}
