import ReportKit

/// Regions of a site, read once per run from `getRegionList` (VPC codes; Classic numbers).
public actor RegionDirectory {
    public struct Region: Sendable, Equatable {
        public let code: String
        public let number: String?
    }

    /// Classic regionNo per code, from the getRegionList doc example; used
    /// only when the region list itself cannot be read.
    public static let classicNumbers: [String: String] = [
        "KR": "1", "USW": "2", "HK": "3", "DE": "6", "SGN": "7", "JPN": "8", "USWN": "9", "DEN": "10",
    ]

    private let client: NCPClient
    private var cache: [Platform: [Region]] = [:]

    public init(client: NCPClient) { self.client = client }

    public func regions(_ platform: Platform) async throws -> [Region] {
        if let cached = cache[platform] { return cached }
        let path = platform == .vpc ? "/vserver/v2/getRegionList" : "/server/v2/getRegionList"
        let json = try await client.call(method: "GET", path: path)
        guard let list = json["getRegionListResponse"]?["regionList"]?.arrayValue, !list.isEmpty else {
            throw Failure(.dataError, "unexpected response shape: no regions in getRegionListResponse.regionList", at: "GET \(path)")
        }
        let regions = try list.map { item throws -> Region in
            guard let code = item["regionCode"]?.stringValue, !code.isEmpty else {
                throw Failure(.dataError, "unexpected response shape: a region without regionCode", at: "GET \(path)")
            }
            return Region(code: code, number: item["regionNo"]?.scalarText)
        }
        cache[platform] = regions
        return regions
    }

    /// The Classic regionNo for a code: from the region list, else the documented table.
    public func classicNumber(for code: String) async throws -> String {
        if let number = try? await regions(.classic).first(where: { $0.code == code })?.number {
            return number
        }
        if let number = RegionDirectory.classicNumbers[code] { return number }
        throw Failure(.usage, "unknown Classic region '\(code)'", at: "--region")
    }
}
