import ArgumentParser
import Foundation
import ReportKit

struct PeriodCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "period",
        abstract: "Print a report period's exact window as one JSON object.",
        discussion: """
            Prints label, start, end (ISO 8601 with the zone's offset), startMs, endMs and tz, so scripts never do date arithmetic. Windows are half-open: start included, end excluded. last-* is the most recent complete period ending at or before now; this-* contains now.

            Labels: 2026-10 (calendar month), 2026-W47 (a week, shifted or not, named by the ISO week it starts in), 2026-10-20..2026-11-20 (other midnight-bounded windows), 20261020T1000..20261027T1000 (anything else).

            Examples:
              ncp-fetch period                                   # last calendar month, Asia/Seoul
              ncp-fetch period --period last-month --month-start-day 20
              ncp-fetch period --period last-week --week-start 'mon 10:00'
              ncp-fetch period --period 2026-W47 --tz UTC
              ncp-fetch period --period 2026-10-20..2026-10-27T10:00 --now 2026-11-01T00:10:00+09:00
            """
    )

    @OptionGroup var period: PeriodOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        await ToolMain.run(tool: "ncp-fetch", logging: logging) {
            let resolved = try period.resolve(EnvironmentFallback())
            try OutputStream.stdout.writeLine(resolved.json)
            try OutputStream.stdout.flush()
        }
    }
}
