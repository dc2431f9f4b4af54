import Foundation
import ReportKit

/// Numbers, sizes, money, percents, period labels and times as a page shows them, by hand:
/// Linux builds may lack ICU's locale data for Korean, and a page must read the same wherever
/// it was rendered. Korean and English both group thousands with commas.
public enum PageFormat {
    /// `1,234,567`.
    public static func integer(_ value: Int) -> String {
        grouped(String(value.magnitude), negative: value < 0)
    }

    /// A number with `digits` decimals (half away from zero) and grouping: `1,234.5`. A value
    /// that rounds to zero has no sign.
    public static func decimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "–" }
        let scale = pow(10.0, Double(digits))
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e17 else { return value < 0 ? "-∞" : "∞" }
        let units = UInt64(scaled)
        let whole = units / UInt64(scale)
        var text = grouped(String(whole), negative: value < 0 && units > 0)
        if digits > 0 {
            let fraction = String(units % UInt64(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    /// A percent with one decimal: `97.2%`.
    public static func percent(_ value: Double) -> String { decimal(value, digits: 1) + "%" }

    /// A threshold as people write it: `90%`, `2.5%`.
    public static func threshold(_ value: Double) -> String {
        (value.rounded() == value ? decimal(value, digits: 0) : decimal(value, digits: 1)) + "%"
    }

    /// Bytes in binary units labelled as NCP's console labels them: 1 GB = 1024³ bytes, 1 TB =
    /// 1024⁴ bytes. Below 1 TB in GB, else in TB; one decimal, dropped when it is zero
    /// (`8 GB`, `1.5 TB`, `0.5 GB`).
    public static func bytes(_ value: Int) -> String {
        let gib = Double(value) / 1_073_741_824
        if abs(gib) >= 1024 { return trimmed(decimal(gib / 1024, digits: 1)) + " TB" }
        return trimmed(decimal(gib, digits: 1)) + " GB"
    }

    /// Money: KRW and JPY without decimals, others with two. KRW is `1,234,567원` in Korean and
    /// `₩1,234,567` in English.
    public static func money(_ amount: Double, currency: String, language: ReportLanguage) -> String {
        let code = currency.uppercased()
        switch code {
        case "KRW": return language == .ko ? decimal(amount, digits: 0) + "원" : sign(amount, 0) + "₩" + decimal(abs(amount), digits: 0)
        case "JPY": return sign(amount, 0) + "¥" + decimal(abs(amount), digits: 0)
        case "USD": return sign(amount, 2) + "$" + decimal(abs(amount), digits: 2)
        default: return decimal(amount, digits: 2) + " " + code
        }
    }

    /// A change between two periods.
    public struct Change: Sendable, Equatable {
        public enum Direction: Sendable { case up, down, flat }
        public var direction: Direction
        /// Percent of the previous amount; nil when that was zero.
        public var percent: Double?
        public var difference: Double

        public var arrow: String {
            switch direction {
            case .up: return "▲"
            case .down: return "▼"
            case .flat: return "–"
            }
        }
    }

    /// The change from `previous` to `current`; flat when it rounds to 0.0%.
    public static func change(_ current: Double, from previous: Double) -> Change {
        let difference = current - previous
        let percent = previous == 0 ? nil : difference / abs(previous) * 100
        let direction: Change.Direction
        if let percent, abs(percent) < 0.05 || difference == 0 {
            direction = .flat
        } else {
            direction = difference > 0 ? .up : .down
        }
        return Change(direction: direction, percent: percent, difference: difference)
    }

    /// `▲ 12.3%`, `▼ 4.0%`, `– 0.0%`; from zero, `▲ +₩12,000`.
    public static func changeLabel(_ change: Change, currency: String, language: ReportLanguage) -> String {
        guard let percent = change.percent else {
            return change.arrow + " " + (change.difference >= 0 ? "+" : "") + money(change.difference, currency: currency, language: language)
        }
        return change.arrow + " " + self.percent(abs(percent))
    }

    static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                                "October", "November", "December"]

    /// A period's label for people: `2026-10` is `2026년 10월` / `October 2026`, `2026-W47` is
    /// `2026년 47주차` / `Week 47, 2026`, a window is `2026-10-20 – 2026-11-20`; anything else as it is.
    public static func period(_ label: String, language: ReportLanguage) -> String {
        if let match = label.wholeMatch(of: /([0-9]{4})-([0-9]{2})/), let month = Int(match.2), (1...12).contains(month) {
            return language == .ko ? "\(match.1)년 \(month)월" : "\(englishMonths[month - 1]) \(match.1)"
        }
        if let match = label.wholeMatch(of: /([0-9]{4})-W([0-9]{2})/), let week = Int(match.2) {
            return language == .ko ? "\(match.1)년 \(week)주차" : "Week \(week), \(match.1)"
        }
        if let range = label.range(of: "..") {
            return String(label[..<range.lowerBound]) + " – " + String(label[range.upperBound...])
        }
        return label
    }

    /// `2026-11-29 08:36 KST`: the time in `zone`, worked out from its offset at that instant.
    public static func dateTime(_ date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year4 = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(year4)-\(two(month))-\(two(day)) \(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)) \(zoneName(zone, offset: offset))"
    }

    /// `KST` for Seoul, `UTC` for UTC, else the offset (`UTC+05:30`): abbreviations from
    /// Foundation vary between platforms.
    static func zoneName(_ zone: TimeZone, offset: Int) -> String {
        if zone.identifier == "Asia/Seoul" && offset == 9 * 3600 { return "KST" }
        if offset == 0 { return "UTC" }
        let minutes = abs(offset) / 60
        let hh = minutes / 60, mm = minutes % 60
        return "UTC" + (offset < 0 ? "-" : "+") + (hh < 10 ? "0" : "") + "\(hh):" + (mm < 10 ? "0" : "") + "\(mm)"
    }

    /// Days since 1970-01-01 as a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func civil(_ daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `2026-10-01` as `10/1` (both languages), for chart ranges.
    static func shortDay(_ day: String) -> String {
        let parts = day.split(separator: "-")
        guard parts.count == 3, let month = Int(parts[1]), let date = Int(parts[2]) else { return day }
        return "\(month)/\(date)"
    }

    private static func grouped(_ digits: String, negative: Bool) -> String {
        var out = negative ? "-" : ""
        out.reserveCapacity(digits.count + digits.count / 3 + 1)
        let count = digits.count
        for (index, character) in digits.enumerated() {
            if index > 0 && (count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }

    private static func trimmed(_ text: String) -> String { text.hasSuffix(".0") ? String(text.dropLast(2)) : text }
    /// `-` for an amount that is still negative once rounded to `digits` decimals.
    private static func sign(_ amount: Double, _ digits: Int) -> String {
        amount < 0 && (abs(amount) * pow(10.0, Double(digits))).rounded(.toNearestOrAwayFromZero) > 0 ? "-" : ""
    }
}
