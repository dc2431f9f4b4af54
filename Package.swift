// swift-tools-version:6.0
import PackageDescription

// One settings array for every target (strict concurrency comes with the Swift 6 language mode).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "msp-ncp-report",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ncp-fetch", targets: ["ncp-fetch"]),
        .executable(name: "cloud-sandbox", targets: ["cloud-sandbox"]),
        .executable(name: "ncp-json", targets: ["ncp-json"]),
        .executable(name: "teams-notify", targets: ["teams-notify"]),
        .executable(name: "ncp-load", targets: ["ncp-load"]),
        .executable(name: "kv-get", targets: ["kv-get"]),
        .executable(name: "ncp-report", targets: ["ncp-report"]),
        .executable(name: "ncp-render", targets: ["ncp-render"]),
        .library(name: "ReportKit", targets: ["ReportKit"]),
        // For bench/fuzz, which feeds NCP responses, metric targets and the v2 view from its own package.
        .library(name: "NCPKit", targets: ["NCPKit"]),
        // For bench/fuzz, which feeds ncp-load's row building from its own package.
        .library(name: "LoadKit", targets: ["LoadKit"]),
    ],
    // Exact versions: Package.resolved is not kept in the repository, so a build resolves the
    // same dependencies everywhere only if they are pinned here (CHANGELOG.md notes a change).
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "CCurlShim",
            dependencies: ["CCurl"]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "CZlibShim",
            dependencies: ["CZlib"]
        ),
        .systemLibrary(
            name: "CODBC",
            pkgConfig: "odbc",
            providers: [.apt(["unixodbc-dev"])]
        ),
        .target(
            name: "CODBCShim",
            dependencies: ["CODBC"]
        ),
        // ncp-load's native paths: SQLite's own library for the embedded default, and libpq's
        // COPY for PostgreSQL (ODBC stays the path for every other database).
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "ReportKit",
            dependencies: [
                "CZlibShim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The NCP domain over the core: signing, sites, regions, the resource catalog, the pager,
        // the inventory and metric fetchers, the v2 view, and the options that pick an account slice.
        .target(
            name: "NCPKit",
            dependencies: [
                "ReportKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP through libcurl, apart from the core: tools that make no requests (ncp-json,
        // ncp-load, ncp-report) then do not load libcurl and its thirty libraries at start-up.
        .target(
            name: "ReportHTTP",
            dependencies: [
                "ReportKit",
                "CCurl",
                "CCurlShim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ncp-fetch",
            dependencies: [
                "NCPKit",
                "ReportKit",
                "ReportHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // ncp-json's work: streams checked and written as dated files, whole or not at all.
        .target(
            name: "FileKit",
            dependencies: [
                "NCPKit",
                "ReportKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // ncp-render's work: a period's files and outcome records as report pages.
        .target(
            name: "PageKit",
            dependencies: ["NCPKit", "ReportKit"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ncp-render",
            dependencies: [
                "PageKit",
                "ReportKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ncp-json",
            dependencies: [
                "FileKit",
                "NCPKit",
                "ReportKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LoadKit",
            dependencies: ["ReportKit", "CODBCShim", "CSQLite", "CLibPQ", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            // The loader's hot loops touch class-held arrays per value; run-time exclusivity
            // checks were a third of the reader thread's CPU (bench/load). The code keeps the
            // rules: each batch has one owner at a time (BatchProducer's handoff).
            swiftSettings: swiftSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        .executableTarget(
            name: "ncp-load",
            dependencies: [
                "LoadKit",
                "ReportKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // teams-notify's cards, webhook client and rate gate; libcurl stays out (a client is passed in).
        .target(
            name: "TeamsKit",
            dependencies: [
                "ReportKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),  // SHA-256 names the webhook's rate-gate file
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "teams-notify",
            dependencies: [
                "TeamsKit",
                "ReportKit",
                "ReportHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AzureKit",
            dependencies: [
                "ReportKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kv-get",
            dependencies: [
                "AzureKit",
                "ReportHTTP",
                "ReportKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RunKit",
            dependencies: [
                "NCPKit",
                "ReportKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ncp-report",
            dependencies: [
                "NCPKit",
                "RunKit",
                "ReportKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SandboxKit",
            dependencies: [
                "NCPKit",
                "ReportKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "cloud-sandbox",
            dependencies: [
                "SandboxKit",
                "ReportKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReportKitTests",
            dependencies: ["ReportKit", "ReportHTTP"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FileKitTests",
            dependencies: ["FileKit", "ReportKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NCPKitTests",
            dependencies: ["NCPKit", "ReportKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PageKitTests",
            dependencies: ["PageKit", "ReportKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LoadKitTests",
            dependencies: ["LoadKit", "ReportKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AzureKitTests",
            dependencies: ["AzureKit", "ReportKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RunKitTests",
            dependencies: ["RunKit", "ReportKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TeamsKitTests",
            dependencies: ["TeamsKit", "ReportKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SandboxKitTests",
            dependencies: ["SandboxKit", "NCPKit", "ReportKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["NCPKit", "ReportKit", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
