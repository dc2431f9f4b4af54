import Foundation
import ReportKit
@testable import TeamsKit
import Testing

/// What teams-notify's options become: the card chosen, the text from stdin, the checks on
/// titles, links, budgets and records, and the options' fixed sets.
struct NotificationTests {
    @Test func textComesFromTheInputWhenNotGiven() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fd = try inputDescriptor("  from stdin\n\n", in: folder)
        defer { close(fd) }
        let payload = try TeamsNotification(title: "T", facts: ["period=2026-10"], severity: .error, input: fd).payload()
        #expect(payload.body[0]["style"]?.stringValue == "attention")
        #expect(payload.body[1]["text"]?.stringValue == "from stdin")
        #expect(payload.body[2]["facts"]?.arrayValue?.first?["value"]?.stringValue == "2026-10")
        // --text wins over the input.
        let given = try TeamsNotification(title: "T", text: "given", input: fd).payload()
        #expect(given.body[1]["text"]?.stringValue == "given")
    }

    @Test func theV2TemplateNeedsNoTitle() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fd = try inputDescriptor("", in: folder)
        defer { close(fd) }
        let payload = try TeamsNotification(facts: ["Customer ID=alpha"], template: .v2Error, input: fd).payload()
        #expect(payload.body[1]["facts"]?.arrayValue?.first?["value"]?.stringValue == "alpha")
    }

    @Test func usageErrorsAreExit64() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fd = try inputDescriptor("", in: folder)
        defer { close(fd) }
        func failure(_ notification: TeamsNotification) -> Failure? {
            do { _ = try notification.payload(); return nil } catch { return error as? Failure }
        }
        let untitled = failure(TeamsNotification(input: fd))
        #expect(untitled?.exitStatus == .usage && untitled?.message == "missing --title (or use --summary or --template v2-error)")
        let link = failure(TeamsNotification(title: "T", links: ["Docs=ftp://x"], input: fd))
        #expect(link?.exitStatus == .usage && link?.message == "--link needs an http(s) URL, got 'ftp://x'")
        #expect(failure(TeamsNotification(title: "T", facts: ["novalue"], input: fd))?.exitStatus == .usage)
        let budget = failure(TeamsNotification(summary: true, maxBytes: 1_999, input: fd))
        #expect(budget?.exitStatus == .usage && budget?.message == "--max-bytes must be 2000 to 28672")
    }

    @Test func aWebhookURLArgumentIsRefusedBeforeAnythingElse() async throws {
        do {
            try await TeamsNotification(webhookURLArgument: true).run { Issue.record("no client expected"); return StubTransport { _ in HTTPResponse(status: 202) }.client() }
            Issue.record("expected a refusal")
        } catch let failure as Failure {
            #expect(failure.exitStatus == .usage && failure.message == TeamsNotification.refusedURLArgument)
        }
    }

    @Test func theSummaryReadsRecordsAndItsLanguage() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lines = [record("alpha", "server", "ok"), record("bravo", "server", "failed", exit: 69, error: "down")]
            .map(\.json.compactString).joined(separator: "\n") + "\n"
        let english = try inputDescriptor(lines, in: folder)
        defer { close(english) }
        let card = try TeamsNotification(summary: true, environment: [:], input: english).payload().compactString
        #expect(card.contains("1 failed, 0 denied"))
        // $REPORT_LANG when --lang is not given; --lang wins over it.
        let korean = try inputDescriptor(lines, in: folder)
        defer { close(korean) }
        #expect(try TeamsNotification(summary: true, environment: ["REPORT_LANG": "KO"], input: korean).payload().compactString.contains("실패 1"))
        let flagged = try inputDescriptor(lines, in: folder)
        defer { close(flagged) }
        #expect(try TeamsNotification(summary: true, language: .en, environment: ["REPORT_LANG": "ko"], input: flagged).payload()
            .compactString.contains("1 failed"))
        let wrong = try inputDescriptor(lines, in: folder)
        defer { close(wrong) }
        #expect(throws: Failure.self) { try TeamsNotification(summary: true, environment: ["REPORT_LANG": "fr"], input: wrong).payload() }
    }

    @Test func noRecordsIs66AndABadOneIs65NamingItsLine() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let empty = try inputDescriptor("", in: folder)
        defer { close(empty) }
        do {
            _ = try TeamsNotification(summary: true, input: empty).payload()
            Issue.record("expected no input")
        } catch let failure as Failure {
            #expect(failure.exitStatus == .noInput)
        }
        let bad = try inputDescriptor(#"{"customer":"a","status":"ok"}"# + "\n" + #"{"customer":"a","status":"exploded"}"# + "\n", in: folder)
        defer { close(bad) }
        do {
            _ = try TeamsNotification(summary: true, input: bad).payload()
            Issue.record("expected bad data")
        } catch let failure as Failure {
            #expect(failure.exitStatus == .dataError && failure.message.hasPrefix("line 2: field status must be one of"))
            #expect(failure.location == "stdin")
        }
    }

    @Test func fixedSetsAcceptTheirSpellingsOnly() {
        #expect(MessageSeverity.allCases.map(\.rawValue) == ["info", "warning", "error"])
        #expect(MessageSeverity(argument: "good") == nil && MessageSeverity(argument: "Warning") == nil)
        #expect(CardTemplate(argument: "v2-error") == .v2Error && CardTemplate(argument: "v2") == nil)
        #expect(CardTemplate.allValueStrings == ["v2-error"])
        #expect(ReportLanguage(argument: "KO") == .ko && ReportLanguage(argument: "fr") == nil)
        #expect(ReportLanguage.allValueStrings == ["en", "ko"])
    }
}
