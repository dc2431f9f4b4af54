import ArgumentParser
import Foundation
import NCPKit
import ReportKit

struct NASUsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nas-usage",
        abstract: "NAS volume usage ratings over a report period (getNasVolumeInstanceRatingList).",
        discussion: """
            Reads volumes from stdin (the NDJSON `ncp-fetch nas-volume` prints) or from --volume, and prints NCP's rating rows (maxVolumeUseSize, maxVolumeUseRatio, …) unchanged, plus nasVolumeInstanceNo, volumeName and provenance. Both platforms; volumes concurrently.

            Examples:
              ncp-fetch nas-volume | ncp-fetch nas-usage --period last-month --trailer
              ncp-fetch nas-usage --platform classic --volume 1234567 --period 2026-11-25..2026-11-26
            """
    )

    @Option(name: .customLong("volume"), help: ArgumentHelp("A NAS volume number, optionally =name (repeatable; instead of stdin).", valueName: "no[=name]"))
    var volumes: [String] = []

    @Option(help: ArgumentHelp("Rating interval as the API takes it (default 1d, as the v2 system).", valueName: "interval"))
    var ratingInterval: String = "1d"

    @Option(help: ArgumentHelp("Volumes queried at once (default 12).", valueName: "n"))
    var concurrency: Int = 12

    @OptionGroup var common: MonitoringOptions

    func run() async throws {
        await ToolMain.run(tool: "ncp-fetch", logging: common.logging) { try await execute() }
    }

    func execute() async throws {
        let (resolved, window, client, environment) = try common.prepare()
        guard (1...64).contains(concurrency) else { throw Failure(.usage, "--concurrency must be 1 to 64") }
        let list = try MonitoringRun.instances(
            flags: volumes, platform: common.target.platform, expecting: "nasVolumeInstanceNo",
            MonitoredInstance.volumes(in:))
        let options = NASUsageFetcher.Options(
            period: window, interval: ratingInterval, defaultPlatform: resolved.platform,
            region: resolved.region ?? resolved.site.defaultRegion, concurrency: concurrency, site: resolved.site,
            customer: resolved.customer, fetchedAt: MonitoringRun.fetchedAt(window))
        let out = OutputStream.stdout
        let outcome = try await NASUsageFetcher(client: client).run(list, options: options) { try out.writeLine($0) }
        try MonitoringRun.finish(outcome, trailer: common.trailer, what: "volume(s)")
    }
}
