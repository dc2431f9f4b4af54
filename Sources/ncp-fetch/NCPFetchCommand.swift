import ArgumentParser
import Foundation
import ReportKit

@main
struct NCPFetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ncp-fetch",
        abstract: "List NAVER Cloud Platform resources as NDJSON: signed, paged, retried.",
        discussion: """
            Prints one JSON object per item on stdout, NCP's fields unchanged plus provenance (_resource, _platform, _region, _site, _customer, _fetchedAt). Logs go to stderr.

            Credentials: NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY (or ~/.ncloud/configure). NCLOUD_API_GW sends every call to another gateway (cloud-sandbox in tests).

            Examples:
              ncp-fetch --list
              ncp-fetch server --platform vpc --region KR
              ncp-fetch block-storage --platform classic --region all --trailer
              ncp-fetch cost startMonth=202610 endMonth=202610
              ncp-fetch call GET /vserver/v2/getRegionList

            Exit status:
            \(ExitStatus.helpTable)
            """,
        version: ToolVersion.current,
        subcommands: [FetchCommand.self, MetricsCommand.self, NASUsageCommand.self, PeriodCommand.self, CallCommand.self],
        defaultSubcommand: FetchCommand.self
    )
}
