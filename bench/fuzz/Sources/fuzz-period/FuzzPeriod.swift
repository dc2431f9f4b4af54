import Foundation
import FuzzSupport
import ReportKit

/// The period options every tool shares (`--period`, `--now`, `--tz`, `--month-start-day`,
/// `--week-start`), as the tools parse them. Input: those five values, one a line, in that
/// order; an empty or missing line leaves the option out (its default applies).
///
/// Besides crashes, it checks: a period starts before it ends; `this-month` and `this-week`
/// hold `--now` and start where `last-month` and `last-week` end; a month or week label asked
/// for again names the same window.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let flags = ["--period", "--now", "--tz", "--month-start-day", "--week-start"]
    var arguments: [String] = []
    var values: [String] = []
    for flag in flags {
        let value = String(decoding: input.field(), as: UTF8.self)
        values.append(value)
        if !value.isEmpty { arguments.append("\(flag)=\(value)") }
    }
    if skipKnownBugs, values.contains(where: hasOffsetBeyondFoundation) { return 0 }

    _ = WeekStart(parsing: values[4])
    guard let options = try? PeriodOptions.parse(arguments) else { return 0 }
    let environment = EnvironmentFallback([:])
    guard let resolver = try? options.resolver(environment) else { return 0 }
    for value in values { _ = resolver.instant(value) }
    if skipKnownBugs, namesLocalMeanTime(values[0], resolver) { return 0 }

    guard let period = try? options.resolve(environment) else { return 0 }
    check(period, resolver)

    // Relative periods around --now: this one holds it, the last one ends where it starts.
    for (this, last) in [("this-month", "last-month"), ("this-week", "last-week")] {
        guard let current = try? resolver.resolve(this), let previous = try? resolver.resolve(last) else {
            require(false, "\(this) or \(last) does not resolve")
            return 0
        }
        check(current, resolver)
        check(previous, resolver)
        require(current.start <= resolver.now && resolver.now < current.end,
                "\(this) \(current.label) [\(current.start), \(current.end)) does not hold --now \(resolver.now)")
        require(previous.end == current.start, "\(last) ends at \(previous.end) but \(this) starts at \(current.start)")
    }
    return 0
}

/// What holds for every resolved period.
func check(_ period: ReportPeriod, _ resolver: PeriodResolver) {
    require(period.start < period.end, "period \(period.label) does not start before it ends")
    require(!period.label.isEmpty, "period without a label")
    _ = period.json.compactString
    _ = period.lastDay
    _ = Timestamps.ncp(period.start, in: period.timeZone)
    // A label that is itself a period expression names the same window again.
    if let again = try? resolver.resolve(period.label) {
        require(again.start == period.start && again.end == period.end,
                "label \(period.label) resolves to [\(again.start), \(again.end)), not [\(period.start), \(period.end))")
    }
}

/// An offset such as `+19:00` or `-0960` in an instant (`--now`, a side of FROM..TO) that
/// Foundation's `TimeZone(secondsFromGMT:)` refuses: the resolver force-unwraps that (known
/// bug, issue 14's list), so `--skip-known` passes such inputs over.
func hasOffsetBeyondFoundation(_ text: String) -> Bool {
    for side in text.components(separatedBy: "..") {
        let trimmed = side.trimmingCharacters(in: .whitespaces)
        guard let match = trimmed.firstMatch(of: /([+-])(\d{2}):?(\d{2})$/), let hours = Int(match.2), let minutes = Int(match.3) else { continue }
        if TimeZone(secondsFromGMT: hours * 3600 + minutes * 60) == nil { return true }
    }
    return false
}

/// Whether the period or --now falls where the zone's offset has seconds (local mean time,
/// before standard time: Asia/Seoul before 1908), where Calendar.date(bySettingHour:) can be
/// nil and the resolver force-unwraps it (crashes-found/period/lmt-zone-week-start).
func namesLocalMeanTime(_ period: String, _ resolver: PeriodResolver) -> Bool {
    var instants = [resolver.now]
    instants += period.components(separatedBy: "..").compactMap { resolver.instant($0) }
    if let match = period.firstMatch(of: /(\d{4})-/), let year = Int(match.1) {
        instants += resolver.instant(String(format: "%04d-06-15", year)).map { [$0] } ?? []
    }
    return instants.contains { resolver.timeZone.secondsFromGMT(for: $0) % 60 != 0 }
}
