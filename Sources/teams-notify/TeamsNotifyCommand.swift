import ArgumentParser
import Foundation
import ReportHTTP
import ReportKit
import TeamsKit

/// Checks the raw arguments before the parser sees them: a parser error would echo a webhook
/// URL that was passed by mistake.
@main
enum TeamsNotifyMain {
    static func main() async {
        Log.shared.configure(tool: "teams-notify")
        do {
            try Webhook.refuseSecretsInArguments(Array(CommandLine.arguments.dropFirst()))
        } catch {
            ToolMain.exit(with: error, tool: "teams-notify")
        }
        await TeamsNotifyCommand.main()
    }
}

struct TeamsNotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teams-notify",
        abstract: "Post an Adaptive Card to a Microsoft Teams Workflows webhook.",
        discussion: """
            The webhook URL is a credential (its sig): it comes from TEAMS_WEBHOOK_URL or --webhook-file, never from the command line, and is never printed. Office 365 connector URLs (outlook.office.com, *.webhook.office.com) are refused: Microsoft retired them. Any 2xx is delivery (202 is normal); 429 and 5xx are retried with backoff and Retry-After; at most one post per second per webhook.

            Kinds of message:
              --title T [--text T | stdin] [--fact k=v]... [--link name=url]... [--severity S]
              --template v2-error --fact 'Customer ID=alpha' --fact 'Error Message=…' …
                  (the v2 system's card: Customer ID, Customer Type, Platform Type, Service
                   Type, Error Message, Datetime, API Server, URI)
              --summary < outcomes.ndjson
                  (ONE card for a run from outcome records: counts per customer and status, the
                   failures grouped by customer, "N more not shown" past --max-bytes)

            Examples:
              TEAMS_WEBHOOK_URL=… teams-notify --title 'Monthly report done' --fact period=2026-10
              teams-notify --webhook-file /run/secrets/teams --summary < run/outcomes.ndjson
              teams-notify --summary --dry-run < run/outcomes.ndjson      # print the payload only

            Exit status:
            \(ExitStatus.helpTable)
            """,
        version: ToolVersion.current
    )

    @Option(help: "Card title.")
    var title: String?

    @Option(help: ArgumentHelp("Card text (default: stdin when it is not a terminal, except with --summary).", valueName: "text"))
    var text: String?

    @Option(name: .customLong("fact"), help: ArgumentHelp("A fact line, name=value (repeatable).", valueName: "name=value"))
    var facts: [String] = []

    @Option(name: .customLong("link"), help: ArgumentHelp("A button that opens a URL, name=url (repeatable).", valueName: "name=url"))
    var links: [String] = []

    @Option(help: ArgumentHelp("info, warning or error (colour and icon).", valueName: "severity"))
    var severity: MessageSeverity = .info

    @Option(help: ArgumentHelp("v2-error: the v2 system's exception card.", valueName: "name"))
    var template: CardTemplate?

    @Flag(help: "Read outcome records (NDJSON) from stdin and post one summary card.")
    var summary = false

    @Option(help: ArgumentHelp("Language of the summary card's own words: en or ko ($REPORT_LANG, default en). Data stays as it is.", valueName: "en|ko"))
    var lang: ReportLanguage?

    @Option(help: ArgumentHelp("Byte budget of the summary payload (default 20000; Teams refuses more than 28672).", valueName: "n"))
    var maxBytes: Int = 20_000

    @Option(help: ArgumentHelp("Read the webhook URL from this file (mode 0600 recommended).", valueName: "file"))
    var webhookFile: String?

    @Flag(help: "Print the payload instead of sending it.")
    var dryRun = false

    /// Never accepted: here only to answer with the right advice.
    @Option(help: .hidden)
    var webhookUrl: String?

    @OptionGroup var http: HTTPOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        await ToolMain.run(tool: "teams-notify", logging: logging) {
            try await TeamsNotification(
                title: title, text: text, facts: facts, links: links, severity: severity, template: template, summary: summary,
                language: lang, maxBytes: maxBytes, webhookFile: webhookFile, dryRun: dryRun, webhookURLArgument: webhookUrl != nil
            ).run { try http.client() }
        }
    }
}
