import Foundation

/// Date formatting shared by every tool.
public enum Timestamps {
    /// `2026-11-01T00:10:00.123Z`
    public static func iso8601UTC(_ date: Date) -> String {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
        return date.formatted(style)
    }

    /// `2026-11-01T09:10:00+09:00` in the given zone (the offset of that zone at that instant).
    /// Civil time from the zone's offset with gmtime_r: no Calendar and no format strings,
    /// which cost a short-lived tool more than the rest of its work.
    public static func iso8601(_ date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        var seconds = time_t(Int64((date.timeIntervalSince1970).rounded(.down)) + Int64(offset))
        var c = tm()
        gmtime_r(&seconds, &c)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = String(c.tm_year + 1900)
        let sign = offset < 0 ? "-" : "+"
        let hours = Int32(abs(offset) / 3600), minutes = Int32((abs(offset) % 3600) / 60)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + two(c.tm_mon + 1) + "-" + two(c.tm_mday)
            + "T" + two(c.tm_hour) + ":" + two(c.tm_min) + ":" + two(c.tm_sec) + sign + two(hours) + ":" + two(minutes)
    }

    /// `2024-03-05T10:11:12+0900`: NCP's own date format (offset without a colon).
    public static func ncp(_ date: Date, in zone: TimeZone) -> String {
        let text = iso8601(date, in: zone)
        return String(text.dropLast(3)) + text.suffix(2)
    }

    /// Epoch milliseconds as NCP signs them: 13 decimal digits.
    public static func epochMillis(_ date: Date) -> String {
        String(Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
