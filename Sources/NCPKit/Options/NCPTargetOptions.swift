import ArgumentParser
import ReportKit

/// `--platform`, `--region`, `--site`, `--customer`: which NCP account slice a tool works on.
public struct NCPTargetOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("vpc or classic, either case ($NCLOUD_PLATFORM, default vpc).", valueName: "vpc|classic"))
    public var platform: Platform?

    @Option(help: ArgumentHelp("Region code, or all to walk getRegionList ($NCLOUD_REGION, default: the site's first region).", valueName: "code|all"))
    public var region: String?

    @Option(help: ArgumentHelp("public, gov or fin, either case ($NCLOUD_SITE, default public).", valueName: "site"))
    public var site: Site?

    @Option(help: ArgumentHelp("Customer id stamped on every item as _customer ($REPORT_CUSTOMER).", valueName: "id"))
    public var customer: String?

    public init() {}

    public struct Resolved: Sendable {
        public let platform: Platform
        public let site: Site
        /// nil means every region.
        public let region: String?
        public let customer: String?

        /// The same target in another region (a batch entry's own "region"; "all" is every region).
        public func inRegion(_ code: String) -> Resolved {
            Resolved(platform: platform, site: site, region: code.lowercased() == "all" ? nil : code.uppercased(), customer: customer)
        }
    }

    public func resolve(_ environment: EnvironmentFallback) throws -> Resolved {
        let platform = try environment.resolve(platform, flag: "--platform", env: ["NCLOUD_PLATFORM"], default: Platform.vpc)
        let site = try environment.resolve(site, flag: "--site", env: ["NCLOUD_SITE"], default: Site.public)
        let region = environment.resolve(region, flag: "--region", env: ["NCLOUD_REGION"], default: site.value.defaultRegion)!
        let customer = environment.resolve(customer, flag: "--customer", env: ["REPORT_CUSTOMER"])
        let code = region.value.uppercased()
        guard code == "ALL" || code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw Failure(.usage, "invalid region '\(region.value)' from \(region.source): expected a code such as KR, or all")
        }
        return Resolved(
            platform: platform.value, site: site.value, region: code == "ALL" ? nil : code, customer: customer?.value)
    }
}
