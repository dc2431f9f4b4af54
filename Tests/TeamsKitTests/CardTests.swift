import Foundation
import ReportKit
@testable import TeamsKit
import Testing

/// The cards teams-notify builds: plain messages, the v2 error card, and the run summary
/// from outcome records.
struct CardTests {
    @Test func aMessageHasItsHeaderTextFactsAndLinks() throws {
        let payload = AdaptiveCard.message(title: "Done", text: "two\nlines", facts: [("period", "2026-10")],
                                           links: [("Pipeline", "https://dev.azure.com/x")], severity: .warning)
        #expect(payload["type"]?.stringValue == "message")
        #expect(payload["attachments"]?.arrayValue?.first?["contentType"]?.stringValue == "application/vnd.microsoft.card.adaptive")
        let card = try #require(payload.card)
        #expect(card["version"]?.stringValue == "1.4")
        #expect(card["msteams"]?["width"]?.stringValue == "Full")
        let header = payload.body[0]
        #expect(header["style"]?.stringValue == "warning")
        #expect(header["items"]?.arrayValue?.first?["text"]?.stringValue == "⚠️ Done")
        #expect(payload.body[1]["text"]?.stringValue == "two\nlines")
        #expect(payload.body[2]["facts"]?.arrayValue?.first?["title"]?.stringValue == "period")
        #expect(card["actions"]?.arrayValue?.first?["url"]?.stringValue == "https://dev.azure.com/x")
        // No text, no facts, no links: the header alone, and no actions key.
        let bare = AdaptiveCard.message(title: "x", text: "", facts: [], links: [], severity: .info)
        #expect(bare.body.count == 1 && bare.card?["actions"] == nil)
    }

    @Test func theV2ErrorCardHasV2sEightFactsInOrderWithDefaults() throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2026-10-31T15:10:05Z"))
        let payload = AdaptiveCard.v2Error(facts: [("customer id", "alpha"), ("URI", "/vserver/v2/x")], text: "Error Message: boom", now: now)
        #expect(payload.body[0]["items"]?.arrayValue?.first?["text"]?.stringValue == "❌ NCP Monthly Report Exception Error")
        let facts = try #require(payload.body[1]["facts"]?.arrayValue)
        #expect(facts.compactMap { $0["title"]?.stringValue } == AdaptiveCard.v2Facts)
        let values = Dictionary(uniqueKeysWithValues: facts.map { ($0["title"]!.stringValue!, $0["value"]!.stringValue!) })
        #expect(values["Customer ID"] == "alpha")  // matched whatever the case and spacing
        #expect(values["Error Message"] == "Error Message: boom")  // from the text
        #expect(values["Datetime"] == "2026-11-01 00:10:05")  // now, in Seoul
        #expect(values["Platform Type"] == "-")
    }

    @Test func theSummaryCountsEveryStatusAndGroupsProblemsByCustomer() throws {
        let records = [
            record("alpha", "server", "ok", items: 3), record("alpha", "nas-volume", "denied", exit: 77, error: "returnCode 800"),
            record("bravo", "server", "failed", exit: 69, error: "HTTP 503"), record("bravo", "block-storage", "skipped"),
        ]
        let (payload, shown) = SummaryCard.build(records, title: nil, maxBytes: 20_000)
        #expect(shown == 2)
        let texts = payload.body.compactMap { $0["text"]?.stringValue }
        #expect(payload.body[0]["style"]?.stringValue == "attention")
        #expect(payload.body[0]["items"]?.arrayValue?.first?["text"]?.stringValue == "❌ NCP report 2026-10: 1 failed, 1 denied")
        let counts = try #require(payload.body[1]["facts"]?.arrayValue).map { "\($0["title"]!.stringValue!)=\($0["value"]!.stringValue!)" }
        #expect(counts == ["Steps=4", "Customers=2", "ok=1", "skipped=1", "denied=1", "failed=1"])
        #expect(texts.contains("alpha") && texts.contains("bravo"))
        #expect(texts.contains { $0.hasPrefix("⚠️ ") && $0.hasSuffix("returnCode 800") })
        #expect(texts.contains { $0.hasPrefix("❌ ") && $0.hasSuffix("HTTP 503") })
    }

    @Test func anAllGreenRunIsGoodAndATitleReplacesTheHeading() {
        let records = [record("alpha", "server", "ok"), record("alpha", "vpc", "ok")]
        let (payload, _) = SummaryCard.build(records, title: nil, maxBytes: 20_000)
        #expect(payload.body[0]["style"]?.stringValue == "good")
        #expect(payload.body[0]["items"]?.arrayValue?.first?["text"]?.stringValue == "✅ NCP report 2026-10: all 2 steps succeeded")
        let titled = SummaryCard.build(records, title: "NCP monthly report 2026-10", maxBytes: 20_000).payload
        #expect(titled.body[0]["items"]?.arrayValue?.first?["text"]?.stringValue == "✅ NCP monthly report 2026-10")
        let denied = SummaryCard.build([record("a", "server", "denied")], title: nil, maxBytes: 20_000).payload
        #expect(denied.body[0]["style"]?.stringValue == "warning")
    }

    @Test func koreanWordsButDataAsItIs() {
        let records = [record("bravo", "server", "failed", exit: 77, error: "HTTP 401: Authentication Failed")]
        let text = SummaryCard.build(records, title: nil, maxBytes: 20_000, language: .ko).payload.compactString
        #expect(text.contains("실패 1, 권한 없음 0"))
        #expect(text.contains("고객별"))
        #expect(text.contains("HTTP 401: Authentication Failed"))
    }

    @Test func manyFailuresAreCutToTheByteBudget() {
        let records = (1...500).map { index in
            record("customer-\(index % 40)", "server", "failed", exit: 69, error: "Error Message: Endpoint Error (HTTP 503) attempt \(index)")
        }
        let (payload, shown) = SummaryCard.build(records, title: nil, maxBytes: 20_000)
        #expect(payload.compactBytes.count <= 20_000)
        #expect(shown > 0 && shown < 500)
        #expect(payload.compactString.contains("…and \(500 - shown) more not shown"))
        // A tighter budget cuts the customer table too.
        let tight = SummaryCard.build(records, title: nil, maxBytes: 2_000)
        #expect(tight.payload.compactBytes.count <= 2_000)
        #expect(tight.payload.compactString.contains("more customers not shown"))
    }

    @Test(arguments: [0, 1, 7, 100])
    func largestFindsTheLastTrue(limit: Int) {
        for cut in 0...limit {
            #expect(SummaryCard.largest(upTo: limit) { $0 <= cut } == cut)
        }
    }
}
