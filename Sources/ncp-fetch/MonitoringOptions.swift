import ArgumentParser
import Foundation
import NCPKit
import ReportHTTP
import ReportKit

/// The options `metrics` and `nas-usage` share: the period, the account slice, the network,
/// logging and the trailer.
struct MonitoringOptions: ParsableArguments {
    @Flag(help: "End a fully successful stream with the completeness trailer.")
    var trailer = false

    @OptionGroup var period: PeriodOptions
    @OptionGroup var target: NCPTargetOptions
    @OptionGroup var http: HTTPOptions
    @OptionGroup var logging: LoggingOptions

    /// The resolved slice and window, and a client for them.
    func prepare() throws -> (NCPTargetOptions.Resolved, ReportPeriod, NCPClient, EnvironmentFallback) {
        let environment = EnvironmentFallback()
        let resolved = try target.resolve(environment)
        let window = try period.resolve(environment)
        let client = try NCPClient(http: http.client(environment: environment), site: resolved.site, environment: environment)
        return (resolved, window, client, environment)
    }
}
