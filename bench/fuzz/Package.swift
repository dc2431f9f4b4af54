// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets over the toolkit's readers of untrusted bytes (README.md). Built by `run`
// with `-sanitize=fuzzer,address`, apart from the root package, whose build it leaves alone.

// One settings array for every target, as in the root package.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let reportKit = Target.Dependency.product(name: "ReportKit", package: "msp-ncp-report")
let ncpKit = Target.Dependency.product(name: "NCPKit", package: "msp-ncp-report")
let loadKit = Target.Dependency.product(name: "LoadKit", package: "msp-ncp-report")

/// One executable per fuzz target: `Sources/fuzz-NAME`, its corpus in `corpus/NAME`.
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzSupport"] + dependencies, swiftSettings: swiftSettings)
}

let package = Package(
    name: "ncp-fuzz",
    dependencies: [
        .package(name: "msp-ncp-report", path: "../.."),
    ],
    targets: [
        // libFuzzer's driver entry, declared for Swift (the runtime ships with the toolchain).
        .systemLibrary(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], swiftSettings: swiftSettings),
        fuzzTarget("json", [ncpKit, reportKit]),
        fuzzTarget("ndjson", [ncpKit, reportKit]),
        fuzzTarget("period", [reportKit]),
        fuzzTarget("load", [loadKit, reportKit]),
        fuzzTarget("response", [ncpKit, reportKit]),
    ],
    swiftLanguageModes: [.v6]
)
