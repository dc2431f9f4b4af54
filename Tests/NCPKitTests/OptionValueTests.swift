import Foundation
import Testing
@testable import NCPKit
import ReportKit

/// The fixed-set option values: which spellings each takes (the ones the tools always took),
/// and the environment fallback for them.
struct OptionValueTests {
    @Test func platformSiteAggregationAndIntervalTakeAnyCase() {
        #expect(Platform(argument: "VPC") == .vpc && Platform(argument: "Classic") == .classic && Platform(argument: "vpcs") == nil)
        #expect(Site(argument: "GOV") == .gov && Site(argument: "Public") == .public && Site(argument: "pri") == nil)
        #expect(MetricAggregation(argument: "avg") == .avg && MetricAggregation(argument: "Count") == .count && MetricAggregation(argument: "MEDIAN") == nil)
        #expect(MetricInterval(argument: "min30") == .min30 && MetricInterval(argument: "DAY1") == .day1 && MetricInterval(argument: "Hour1") == nil)
        #expect(MetricAggregation.allCases.map(\.rawValue) == MetricProfile.aggregations)
    }

    @Test func profilesAreTheirNamesExactly() {
        #expect(MetricProfile(argument: "server")?.name == "server" && MetricProfile(argument: "mysql")?.queries == MetricProfile.mysql.queries)
        #expect(MetricProfile(argument: "MySQL") == nil && MetricProfile(argument: "gpu") == nil)
        #expect(MetricProfile.allCases.map(\.name) == ["server", "mysql"])
    }

    @Test func aFlagWinsThenTheVariableReadAsTheFlagIsThenTheDefault() throws {
        let env = EnvironmentFallback(["NCLOUD_PLATFORM": "CLASSIC", "REPORT_LOG_FORMAT": "json", "NCLOUD_SITE": ""])
        let flag = try env.resolve(Platform.vpc, flag: "--platform", env: ["NCLOUD_PLATFORM"], default: .vpc)
        #expect(flag.value == .vpc && flag.source == "--platform")
        let variable = try env.resolve(Platform?.none, flag: "--platform", env: ["NCLOUD_PLATFORM"], default: .vpc)
        #expect(variable.value == .classic && variable.source == "$NCLOUD_PLATFORM")
        let format = try env.resolve(LogFormat?.none, flag: "--log-format", env: ["REPORT_LOG_FORMAT"], default: .human)
        #expect(format.value == .json && format.source == "$REPORT_LOG_FORMAT")
        // Empty is unset.
        let site = try env.resolve(Site?.none, flag: "--site", env: ["NCLOUD_SITE"], default: .public)
        #expect(site.value == .public && site.source == "default")
    }

    @Test(arguments: [
        ("NCLOUD_PLATFORM", "mars", "invalid value 'mars' for $NCLOUD_PLATFORM: expected vpc or classic"),
        ("NCLOUD_SITE", "moon", "invalid value 'moon' for $NCLOUD_SITE: expected public, gov or fin"),
        ("REPORT_LOG_FORMAT", "JSON", "invalid value 'JSON' for $REPORT_LOG_FORMAT: expected human or json"),
    ])
    func aVariableOutsideTheSetIsAUsageErrorNamingIt(_ name: String, _ value: String, _ message: String) {
        let env = EnvironmentFallback([name: value])
        let check = { (body: () throws -> Void) in
            #expect(throws: Failure.self, performing: body)
            do { try body() } catch let failure as Failure {
                #expect(failure.exitStatus == .usage && failure.message == message, "\(failure.message)")
            } catch {}
        }
        switch name {
        case "NCLOUD_PLATFORM": check { _ = try env.resolve(Platform?.none, flag: "--platform", env: [name], default: .vpc) }
        case "NCLOUD_SITE": check { _ = try env.resolve(Site?.none, flag: "--site", env: [name], default: .public) }
        default: check { _ = try env.resolve(LogFormat?.none, flag: "--log-format", env: [name], default: .human) }
        }
    }

    @Test func choicesReadAsASentence() {
        #expect(EnvironmentFallback.choices(["a"]) == "a")
        #expect(EnvironmentFallback.choices(["a", "b"]) == "a or b")
        #expect(EnvironmentFallback.choices(["a", "b", "c"]) == "a, b or c")
        #expect(EnvironmentFallback.choices([]) == "")
    }
}
