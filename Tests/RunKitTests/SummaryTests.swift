import Foundation
import ReportKit
import RunKit
import Testing

/// The end of a run as people read it: the stderr table and the card count the same things,
/// a refused key is one line per customer, and Korean stays aligned.
struct SummaryTests {
    static func record(_ customer: String, _ resource: String, _ step: String, _ status: String, items: Int? = nil, exit: Int? = nil,
                       error: String? = nil) -> OutcomeRecord {
        OutcomeRecord(customer: customer, period: "2026-10", platform: "vpc", region: "KR", resource: resource, step: step, status: status,
                      items: items, exit: exit, error: error)
    }

    static let refused = "HTTP 401: Authentication Failed (returnCode 200)"
    static let records: [OutcomeRecord] = [
        record("alpha", "server", "fetch", "ok", items: 3), record("alpha", "server", "json", "ok", items: 3),
        record("alpha", "server", "load", "ok", items: 3), record("alpha", "block-storage", "fetch", "ok", items: 2),
        record("alpha", "block-storage", "load", "failed", exit: 65, error: "line 2: bad"),
        record("bravo", "server", "fetch", "failed", exit: 77, error: refused), record("bravo", "server", "json", "skipped"),
        record("bravo", "block-storage", "fetch", "failed", exit: 77, error: refused), record("bravo", "nas-volume", "fetch", "failed", exit: 77, error: refused),
        record("bravo", "nas-volume", "fetch", "denied", exit: 77, error: "returnCode 800"),
    ]

    @Test func aRefusedKeyIsOneLineForTheCustomerAndEveryRecordIsCounted() {
        let lines = RunSummary.lines(Self.records, customers: ["alpha", "bravo"], seconds: 1, runDirectory: "run")
        #expect(lines[0].split(separator: " ") == ["customer", "ok", "skipped", "denied", "failed", "rows"])
        #expect(lines[1].split(separator: " ") == ["alpha", "4", "0", "0", "1", "3"])
        #expect(lines[2].split(separator: " ") == ["bravo", "0", "1", "1", "3", "0"])
        let refusals = lines.filter { $0.contains("Authentication Failed") }
        #expect(refusals == ["  failed bravo 3 steps (exit 77): vpc/KR/server (fetch), vpc/KR/block-storage (fetch), vpc/KR/nas-volume (fetch): \(Self.refused)"])
        #expect(lines.contains("  failed alpha vpc/KR/block-storage (load, exit 65): line 2: bad"))
        #expect(lines.contains("  denied bravo vpc/KR/nas-volume (fetch, exit 77): returnCode 800"))
        #expect(lines.last == "10 outcome records in 1.0 s; logs and outcomes in run")
    }

    @Test func koreanWordsAndIdsStayAligned() {
        let records = Self.records + [Self.record("한국고객", "server", "fetch", "ok", items: 1)]
        let lines = RunSummary.lines(records, customers: ["alpha", "bravo", "한국고객"], seconds: 1, runDirectory: "run", language: .ko)
        #expect(lines[0].hasPrefix("고객"))
        #expect(lines[0].contains("실패") && lines[0].contains("권한 없음"))
        // Every row of the table is as wide on a terminal as the header.
        let widths = lines.prefix(4).map { TextWidth.of($0) }
        #expect(Set(widths).count == 1, "\(widths)")
        #expect(lines.last?.hasPrefix("결과 레코드 11개") == true)
    }

    @Test func statusesCountTheSameWhoeverCounts() {
        let counts = RunCounts(Self.records)
        #expect(OutcomeRecord.statuses.map { counts.count($0) } == [4, 1, 1, 4])
        #expect(counts.customers.map(\.rows) == [3, 0])
        #expect(counts.problems.count == 3)
    }
}
