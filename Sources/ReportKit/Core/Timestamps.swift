import Foundation

/// Date formatting shared by every tool.
public enum Timestamps {
    /// `2026-11-01T00:10:00.123Z`
    public static func iso8601UTC(_ date: Date) -> String {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
        return date.formatted(style)
    }

    /// `2026-11-01T09:10:00+09:00` in the given zone (the offset of that zone at that instant).
    public static func iso8601(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let hours = abs(offset) / 3600, minutes = (abs(offset) % 3600) / 60
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d%@%02d:%02d",
            c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, sign, hours, minutes)
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
