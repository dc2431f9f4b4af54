import ArgumentParser
import Foundation

/// `--period`, `--month-start-day`, `--week-start`, `--tz`, `--now`: the same in every tool.
public struct PeriodOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp(
        "last-month, this-month, last-week, this-week, YYYY-MM, YYYY-Www or FROM..TO ($REPORT_PERIOD, default last-month).",
        valueName: "period"))
    public var period: String?

    @Option(help: ArgumentHelp("Monthly periods start on this day, 1-28 ($REPORT_MONTH_START_DAY, default 1; 20 = the 20th-to-20th report).", valueName: "n"))
    public var monthStartDay: Int?

    @Option(help: ArgumentHelp("Weekly periods start at this weekday and time ($REPORT_WEEK_START, default 'mon 00:00').", valueName: "'mon 10:00'"))
    public var weekStart: String?

    @Option(help: ArgumentHelp("Time zone of periods and output timestamps ($REPORT_TZ, default Asia/Seoul).", valueName: "zone"))
    public var tz: String?

    @Option(help: ArgumentHelp("Pretend it is this instant when resolving periods (ISO 8601, offset within ±18:00; never used for signing) ($REPORT_NOW).", valueName: "time"))
    public var now: String?

    public init() {}

    /// The resolver these options describe (period expression not yet applied).
    public func resolver(_ environment: EnvironmentFallback) throws -> PeriodResolver {
        let zone = try environment.resolve(
            tz, flag: "--tz", env: ["REPORT_TZ"], default: PeriodResolver.seoul, { TimeZone(identifier: $0) },
            expected: "an IANA zone such as Asia/Seoul or UTC")
        let startDay = try environment.resolve(
            monthStartDay.map(String.init), flag: "--month-start-day", env: ["REPORT_MONTH_START_DAY"], default: 1,
            { Int($0).flatMap { (1...28).contains($0) ? $0 : nil } }, expected: "a day from 1 to 28")
        let week = try environment.resolve(
            weekStart, flag: "--week-start", env: ["REPORT_WEEK_START"], default: WeekStart.monday, { WeekStart(parsing: $0) },
            expected: "a weekday and optional time, e.g. 'mon 10:00'")
        var resolver = PeriodResolver(timeZone: zone.value, monthStartDay: startDay.value, weekStart: week.value)
        resolver.zoneName = environment.resolve(tz, flag: "--tz", env: ["REPORT_TZ"])?.value ?? "Asia/Seoul"
        if let raw = environment.resolve(now, flag: "--now", env: ["REPORT_NOW"]) {
            do {
                resolver.now = try resolver.parseInstant(raw.value)
            } catch {
                let reason = error.reason ?? "expected an ISO 8601 date-time such as 2026-11-01T00:10:00+09:00"
                throw Failure(.usage, "invalid value '\(raw.value)' for \(raw.source): \(reason)")
            }
        }
        return resolver
    }

    /// The period these options name.
    public func resolve(_ environment: EnvironmentFallback) throws -> ReportPeriod {
        let expression = environment.resolve(period, flag: "--period", env: ["REPORT_PERIOD"], default: "last-month")!
        return try resolver(environment).resolve(expression.value)
    }
}
