// swift-tools-version: 6.2
import PackageDescription

let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "loyalty",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "loyalty", targets: ["loyalty"]),
        .library(name: "LoyaltyCore", targets: ["LoyaltyCore"]),
        .library(name: "LoyaltyProtocol", targets: ["LoyaltyProtocol"]),
        .library(name: "LoyaltyStore", targets: ["LoyaltyStore"]),
        .library(name: "LoyaltyServer", targets: ["LoyaltyServer"]),
        .library(name: "LoyaltyBench", targets: ["LoyaltyBench"]),
        .library(name: "LoyaltyWebhooks", targets: ["LoyaltyWebhooks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Domain values and rules. No I/O, no NIO, no PostgreSQL.
        .target(
            name: "LoyaltyCore",
            swiftSettings: strictSwift
        ),
        // The line protocol: framing, parsing a line into a request, encoding replies. Pure.
        .target(
            name: "LoyaltyProtocol",
            dependencies: [
                "LoyaltyCore",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSwift
        ),
        // The ordered SQL migrations in sql/migrations, compiled into the binary.
        .target(
            name: "LoyaltySchema",
            path: "sql",
            resources: [.embedInCode("migrations")],
            swiftSettings: strictSwift
        ),
        // Every SQL statement, the migrator and the embedded PostgreSQL cluster.
        .target(
            name: "LoyaltyStore",
            dependencies: [
                "LoyaltyCore",
                "LoyaltySchema",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),
        // The TCP server for point-of-sale terminals.
        .target(
            name: "LoyaltyServer",
            dependencies: [
                "LoyaltyCore",
                "LoyaltyProtocol",
                "LoyaltyStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),
        // `loyalty bench`: the load generator that drives a running server over the line protocol.
        .target(
            name: "LoyaltyBench",
            dependencies: [
                "LoyaltyCore",
                "LoyaltyProtocol",
                "LoyaltyStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strictSwift
        ),
        // The webhook sender: the outbox's events as signed HTTP POSTs (AsyncHTTPClient).
        .target(
            name: "LoyaltyWebhooks",
            dependencies: [
                "LoyaltyCore",
                "LoyaltyStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),
        // The admin CLI and the `serve` command.
        .target(
            name: "LoyaltyCLI",
            dependencies: [
                "LoyaltyCore",
                "LoyaltyStore",
                "LoyaltyServer",
                "LoyaltyBench",
                "LoyaltyWebhooks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "loyalty",
            dependencies: ["LoyaltyCLI"],
            swiftSettings: strictSwift
        ),
        // Helpers for tests: a private PostgreSQL cluster, isolated databases, a live server, a line client.
        .target(
            name: "LoyaltyTesting",
            dependencies: [
                "LoyaltyCore",
                "LoyaltyStore",
                "LoyaltyServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            path: "Tests/LoyaltyTesting",
            swiftSettings: strictSwift
        ),
        // Helpers for the unit tests, which need no PostgreSQL: expecting an error, a seeded generator.
        .target(
            name: "LoyaltyTestSupport",
            dependencies: ["LoyaltyCore"],
            path: "Tests/LoyaltyTestSupport",
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "LoyaltyCoreTests",
            dependencies: ["LoyaltyCore", "LoyaltyTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "LoyaltyProtocolTests",
            dependencies: [
                "LoyaltyProtocol",
                "LoyaltyTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "LoyaltyStoreTests",
            dependencies: [
                "LoyaltyStore", "LoyaltyTesting", "LoyaltyTestSupport", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "LoyaltyServerTests",
            dependencies: [
                "LoyaltyServer", "LoyaltyTesting", "LoyaltyTestSupport",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "LoyaltyBenchTests",
            dependencies: ["LoyaltyBench", "LoyaltyTesting"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "LoyaltyWebhooksTests",
            dependencies: ["LoyaltyWebhooks", "LoyaltyTesting", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "LoyaltyCLITests",
            dependencies: ["LoyaltyCLI", "LoyaltyTesting", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSwift
        ),
    ]
)
