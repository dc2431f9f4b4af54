import Foundation
@testable import PageKit
import ReportKit
import Testing

/// Numbers, sizes, money, percents, periods and times, formatted by hand for both languages.
struct FormatTests {
    @Test func integersAndDecimalsGroupThousandsWithCommas() {
        #expect(PageFormat.integer(0) == "0")
        #expect(PageFormat.integer(999) == "999")
        #expect(PageFormat.integer(1_000) == "1,000")
        #expect(PageFormat.integer(1_234_567) == "1,234,567")
        #expect(PageFormat.integer(-1_234_567) == "-1,234,567")
        #expect(PageFormat.decimal(1_234.55, digits: 1) == "1,234.6")
        #expect(PageFormat.decimal(-0.04, digits: 1) == "0.0")
        #expect(PageFormat.decimal(.nan, digits: 1) == "–")
    }

    @Test func percentsHaveOneDecimalAndThresholdsOnlyWhenNeeded() {
        #expect(PageFormat.percent(97.2) == "97.2%")
        #expect(PageFormat.percent(12.34) == "12.3%")
        #expect(PageFormat.percent(12.35) == "12.4%")
        #expect(PageFormat.percent(100) == "100.0%")
        #expect(PageFormat.percent(0) == "0.0%")
        #expect(PageFormat.threshold(90) == "90%")
        #expect(PageFormat.threshold(2.5) == "2.5%")
    }

    @Test func sizesAreBinaryGBUpToATerabyteThenTB() {
        let gib = 1_073_741_824
        #expect(PageFormat.bytes(8 * gib) == "8 GB")
        #expect(PageFormat.bytes(gib / 2) == "0.5 GB")
        #expect(PageFormat.bytes(500 * gib) == "500 GB")
        #expect(PageFormat.bytes(1_023 * gib) == "1,023 GB")
        #expect(PageFormat.bytes(1_024 * gib) == "1 TB")
        #expect(PageFormat.bytes(1_536 * gib) == "1.5 TB")
        // Decimal gigabytes are not GB here: 8,000,000,000 bytes is 7.5 GB.
        #expect(PageFormat.bytes(8_000_000_000) == "7.5 GB")
    }

    @Test func wonHasNoDecimalsAndItsKoreanOrEnglishForm() {
        #expect(PageFormat.money(1_234_567, currency: "KRW", language: .ko) == "1,234,567원")
        #expect(PageFormat.money(1_234_567, currency: "KRW", language: .en) == "₩1,234,567")
        #expect(PageFormat.money(1_234_567.6, currency: "KRW", language: .en) == "₩1,234,568")
        #expect(PageFormat.money(-5_000, currency: "KRW", language: .en) == "-₩5,000")
        #expect(PageFormat.money(-0.2, currency: "KRW", language: .en) == "₩0")
        #expect(PageFormat.money(1_234.5, currency: "USD", language: .ko) == "$1,234.50")
    }

    @Test func aChangeHasItsArrowAndPercentOfThePreviousAmount() {
        let up = PageFormat.change(1_234_567, from: 1_100_000)
        #expect(up.direction == .up)
        #expect(PageFormat.changeLabel(up, currency: "KRW", language: .ko) == "▲ 12.2%")
        let down = PageFormat.change(900, from: 1_000)
        #expect(PageFormat.changeLabel(down, currency: "KRW", language: .en) == "▼ 10.0%")
        #expect(PageFormat.change(1_000, from: 1_000).direction == .flat)
        #expect(PageFormat.changeLabel(PageFormat.change(1_000, from: 1_000), currency: "KRW", language: .en) == "– 0.0%")
        // From nothing there is no percent: the amount it grew by.
        let fromZero = PageFormat.change(12_000, from: 0)
        #expect(fromZero.percent == nil)
        #expect(PageFormat.changeLabel(fromZero, currency: "KRW", language: .en) == "▲ +₩12,000")
    }

    @Test func periodsAreMonthsWeeksOrWindowsInEitherLanguage() {
        #expect(PageFormat.period("2026-10", language: .ko) == "2026년 10월")
        #expect(PageFormat.period("2026-10", language: .en) == "October 2026")
        #expect(PageFormat.period("2026-01", language: .en) == "January 2026")
        #expect(PageFormat.period("2026-W47", language: .ko) == "2026년 47주차")
        #expect(PageFormat.period("2026-W47", language: .en) == "Week 47, 2026")
        #expect(PageFormat.period("2026-10-20..2026-11-20", language: .en) == "2026-10-20 – 2026-11-20")
        #expect(PageFormat.period("2026-13", language: .en) == "2026-13")
    }

    @Test func theGeneratedTimeIsInSeoulWithoutLocaleData() throws {
        #expect(PageFormat.dateTime(Fixture.generatedAt, in: PeriodResolver.seoul) == "2026-11-29 08:36 KST")
        // 15:00 UTC on New Year's Eve is already the next year in Seoul.
        let newYear = Date(timeIntervalSince1970: 1_798_729_200)  // 2026-12-31T15:00:00Z
        #expect(PageFormat.dateTime(newYear, in: PeriodResolver.seoul) == "2027-01-01 00:00 KST")
        #expect(PageFormat.dateTime(newYear, in: try #require(TimeZone(identifier: "UTC"))) == "2026-12-31 15:00 UTC")
        #expect(PageFormat.dateTime(newYear, in: try #require(TimeZone(secondsFromGMT: 19_800))) == "2026-12-31 20:30 UTC+05:30")
        #expect(PageFormat.civil(0) == (1970, 1, 1))
        #expect(PageFormat.civil(19_782) == (2024, 2, 29))
    }
}
