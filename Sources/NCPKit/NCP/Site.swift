import ArgumentParser

/// NCP sites and the hosts of each service on them (NCP's API endpoints per site).
/// `--site` and `$NCLOUD_SITE` take either case.
public enum Site: String, Sendable, CaseIterable, ExpressibleByArgument {
    case `public`, gov, fin

    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }

    /// The site's first region: the default when `--region` is not given.
    public var defaultRegion: String {
        switch self {
        case .public, .gov: return "KR"
        case .fin: return "FKR"
        }
    }

    /// Scheme and host of each service. Fin hosts other than the main gateway and Cloud Insight
    /// follow the documented pattern but are unverified (NCP documents them per service).
    public func baseURL(_ service: NCPService) -> String {
        switch (self, service) {
        case (.public, .main): return "https://ncloud.apigw.ntruss.com"
        case (.gov, .main): return "https://ncloud.apigw.gov-ntruss.com"
        case (.fin, .main): return "https://fin-ncloud.apigw.fin-ntruss.com"
        case (.public, .cloudInsight): return "https://cw.apigw.ntruss.com"
        case (.gov, .cloudInsight): return "https://cw.apigw.gov-ntruss.com"
        case (.fin, .cloudInsight): return "https://cw.apigw.fin-ntruss.com"
        case (.public, .billing): return "https://billingapi.apigw.ntruss.com"
        case (.gov, .billing): return "https://billingapi.apigw.gov-ntruss.com"
        case (.fin, .billing): return "https://billingapi.apigw.fin-ntruss.com"
        case (.public, .resourceManager): return "https://resourcemanager.apigw.ntruss.com"
        case (.gov, .resourceManager): return "https://resourcemanager.apigw.gov-ntruss.com"
        case (.fin, .resourceManager): return "https://resourcemanager.apigw.fin-ntruss.com"
        case (.public, .nks): return "https://nks.apigw.ntruss.com"
        case (.gov, .nks): return "https://nks.apigw.gov-ntruss.com"
        case (.fin, .nks): return "https://nks.apigw.fin-ntruss.com"
        }
    }
}

/// The NCP services that live on hosts of their own. The path's prefix picks the service.
public enum NCPService: String, Sendable {
    case main, cloudInsight, billing, resourceManager, nks

    public static func forPath(_ path: String) -> NCPService {
        if path.hasPrefix("/cw_fea/") { return .cloudInsight }
        if path.hasPrefix("/billing/") { return .billing }
        if path.hasPrefix("/api/v1/") || path.hasPrefix("/api/v2/") { return .resourceManager }
        if path.hasPrefix("/vnks/") || path.hasPrefix("/nks/") { return .nks }
        return .main
    }

    /// Action-style APIs answer XML unless asked for JSON.
    public var wantsResponseFormatParameter: Bool { self == .main || self == .billing }
}

/// Where requests go: the site's hosts, or `NCLOUD_API_GW` for every service (tests, proxies).
public struct Endpoints: Sendable {
    public let site: Site
    public let gatewayOverride: String?

    public init(site: Site, gatewayOverride: String? = nil) {
        self.site = site
        if let gatewayOverride, !gatewayOverride.isEmpty {
            self.gatewayOverride = gatewayOverride.hasSuffix("/") ? String(gatewayOverride.dropLast()) : gatewayOverride
        } else {
            self.gatewayOverride = nil
        }
    }

    public func url(path: String, query: String) -> String {
        let base = gatewayOverride ?? site.baseURL(NCPService.forPath(path))
        return query.isEmpty ? base + path : base + path + "?" + query
    }
}
