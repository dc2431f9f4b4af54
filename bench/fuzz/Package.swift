// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ncp-fuzz",
    dependencies: [
        .package(name: "msp-ncp-report", path: "../.."),
    ],
    targets: [
        .systemLibrary(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        .executableTarget(
            name: "fuzz-load",
            dependencies: ["FuzzSupport", .product(name: "LoadKit", package: "msp-ncp-report"), .product(name: "ReportKit", package: "msp-ncp-report")]
        ),
        .executableTarget(
            name: "fuzz-json",
            dependencies: ["FuzzSupport", .product(name: "ReportKit", package: "msp-ncp-report")]
        ),
        .executableTarget(
            name: "fuzz-period",
            dependencies: ["FuzzSupport", .product(name: "ReportKit", package: "msp-ncp-report")]
        ),
        .executableTarget(
            name: "fuzz-ndjson",
            dependencies: ["FuzzSupport", .product(name: "ReportKit", package: "msp-ncp-report")]
        ),
        .executableTarget(
            name: "fuzz-response",
            dependencies: ["FuzzSupport", .product(name: "ReportKit", package: "msp-ncp-report")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
