import ArgumentParser
import Foundation
import ReportKit

/// `--severity`: the colour and icon of a plain message (`good` is the summary's alone).
public enum MessageSeverity: String, Sendable, CaseIterable, ExpressibleByArgument {
    case info, warning, error

    public var card: AdaptiveCard.Severity {
        switch self {
        case .info: return .info
        case .warning: return .warning
        case .error: return .error
        }
    }
}

/// `--template`: a card laid out as another system laid it out.
public enum CardTemplate: String, Sendable, CaseIterable, ExpressibleByArgument {
    /// The v2 system's exception card (AdaptiveCard.v2Facts).
    case v2Error = "v2-error"
}

/// What one teams-notify run does once its options are parsed: build the card (a message,
/// the v2 error card, or the summary of outcome records), then print it (`--dry-run`) or post
/// it to the webhook.
public struct TeamsNotification {
    public var title: String?
    /// The text; nil: read from `input` when it is not a terminal (not with `summary`).
    public var text: String?
    /// `name=value` arguments.
    public var facts: [String] = []
    /// `name=url` arguments.
    public var links: [String] = []
    public var severity: MessageSeverity = .info
    public var template: CardTemplate?
    /// One summary card from the outcome records on `input`.
    public var summary = false
    /// `--lang`; nil: `$REPORT_LANG`, else English.
    public var language: ReportLanguage?
    public var maxBytes = 20_000
    public var webhookFile: String?
    public var dryRun = false
    /// Whether a webhook URL was given as an argument, which is refused.
    public var webhookURLArgument = false
    public var environment: [String: String] = EnvironmentFallback.process
    /// Where the text or the outcome records come from.
    public var input: Int32 = 0
    public var now: @Sendable () -> Date = { Date() }

    public init(
        title: String? = nil, text: String? = nil, facts: [String] = [], links: [String] = [], severity: MessageSeverity = .info,
        template: CardTemplate? = nil, summary: Bool = false, language: ReportLanguage? = nil, maxBytes: Int = 20_000,
        webhookFile: String? = nil, dryRun: Bool = false, webhookURLArgument: Bool = false,
        environment: [String: String] = EnvironmentFallback.process, input: Int32 = 0
    ) {
        self.title = title
        self.text = text
        self.facts = facts
        self.links = links
        self.severity = severity
        self.template = template
        self.summary = summary
        self.language = language
        self.maxBytes = maxBytes
        self.webhookFile = webhookFile
        self.dryRun = dryRun
        self.webhookURLArgument = webhookURLArgument
        self.environment = environment
        self.input = input
    }

    public static let refusedURLArgument = "a webhook URL is a credential: pass it in TEAMS_WEBHOOK_URL or --webhook-file FILE, never as an argument"

    /// Builds the card, then prints it (`dryRun`) or resolves the webhook and posts it with the
    /// client `makeClient` returns (made only when there is something to post).
    public func run(makeClient: () throws -> HTTPClient) async throws {
        if webhookURLArgument { throw Failure(.usage, TeamsNotification.refusedURLArgument) }
        let message = try payload()
        if dryRun {
            try OutputStream.stdout.writeLine(message)
            try OutputStream.stdout.flush()
            return
        }
        let webhook = try Webhook.resolve(file: webhookFile, environment: environment)
        try await webhook.post(message, client: makeClient())
    }

    /// The webhook payload (the card in its envelope).
    public func payload() throws -> JSONValue {
        let factPairs = try KeyValueArguments.parse(facts).map { ($0.key, $0.value) }
        if summary { return try summaryPayload() }
        var body = text
        if body == nil, isatty(input) == 0 {
            body = String(decoding: FileHandle(fileDescriptor: input, closeOnDealloc: false).readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        switch template {
        case .v2Error:
            return AdaptiveCard.v2Error(facts: factPairs, text: body, now: now())
        case nil:
            guard let title else { throw Failure(.usage, "missing --title (or use --summary or --template v2-error)") }
            let linkPairs = try KeyValueArguments.parse(links).map { ($0.key, $0.value) }
            for (_, url) in linkPairs where !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                throw Failure(.usage, "--link needs an http(s) URL, got '\(url)'")
            }
            return AdaptiveCard.message(title: title, text: body, facts: factPairs, links: linkPairs, severity: severity.card)
        }
    }

    /// The summary card of the outcome records on `input`. No records is exit 66: a run that
    /// wrote none has nothing to summarise, and a green card would be a lie.
    func summaryPayload() throws -> JSONValue {
        guard (2_000...28_672).contains(maxBytes) else { throw Failure(.usage, "--max-bytes must be 2000 to 28672") }
        let records = try TeamsNotification.records(from: NDJSONReader(fd: input))
        guard !records.isEmpty else {
            throw Failure(.noInput, "no outcome records on stdin: the run wrote none, so there is nothing to summarise (a green card would be a lie)")
        }
        let language = try self.language
            ?? ReportLanguage.resolve(EnvironmentFallback(environment).resolve(nil, flag: "--lang", env: ["REPORT_LANG"])?.value)
        let (card, shown) = SummaryCard.build(records, title: title, maxBytes: maxBytes, language: language)
        Log.shared.info("summary", ["records": "\(records.count)", "failuresShown": "\(shown)", "bytes": "\(card.compactBytes.count)"])
        return card
    }

    /// Outcome records, one per line; a bad one is exit 65 naming its line.
    public static func records(from reader: NDJSONReader) throws -> [OutcomeRecord] {
        try OutcomeRecord.readAll(from: reader)
    }
}
