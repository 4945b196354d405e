// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Flowtune",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "flowtune", targets: ["FlowtuneCLI"]),
        .library(name: "FlowtuneCore", targets: ["FlowtuneCore"]),
        .library(name: "FlowtuneStore", targets: ["FlowtuneStore"]),
        .library(name: "FlowtuneEngine", targets: ["FlowtuneEngine"]),
        .library(name: "FlowtuneServer", targets: ["FlowtuneServer"]),
        .library(name: "FlowtuneSimulation", targets: ["FlowtuneSimulation"]),
        .library(name: "FlowtuneLearning", targets: ["FlowtuneLearning"]),
        .library(name: "FlowtuneMining", targets: ["FlowtuneMining"]),
        .library(name: "FlowtunePlanning", targets: ["FlowtunePlanning"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        .target(
            name: "FlowtuneCore",
            dependencies: [
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "FlowtuneStore",
            dependencies: [
                "FlowtuneCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "FlowtuneEngine",
            dependencies: ["FlowtuneCore", "FlowtuneStore", "FlowtunePlanning"]
        ),
        .target(
            name: "FlowtuneServer",
            dependencies: [
                "FlowtuneCore", "FlowtuneStore", "FlowtuneEngine", "FlowtunePlanning",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "FlowtuneSimulation",
            dependencies: [
                "FlowtuneCore", "FlowtuneLearning",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "FlowtuneLearning",
            dependencies: [
                "FlowtuneCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "FlowtuneMining",
            dependencies: [
                "FlowtuneCore", "CZlib",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .systemLibrary(name: "CCbc", path: "Sources/CCbc", providers: [.apt(["coinor-libcbc-dev"])]),
        .target(
            name: "FlowtunePlanning",
            dependencies: ["FlowtuneCore", "FlowtuneSimulation", "FlowtuneMining", "CCbc"]
        ),
        .executableTarget(
            name: "FlowtuneCLI",
            dependencies: [
                "FlowtuneCore", "FlowtuneStore", "FlowtuneEngine", "FlowtuneServer", "FlowtuneSimulation",
                "FlowtuneMining", "FlowtunePlanning", "FlowtuneLearning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(name: "FlowtuneCoreTests", dependencies: ["FlowtuneCore"]),
        .testTarget(name: "FlowtuneStoreTests", dependencies: ["FlowtuneStore"]),
        .testTarget(name: "FlowtuneEngineTests", dependencies: ["FlowtuneEngine"]),
        .testTarget(name: "FlowtuneSimulationTests", dependencies: ["FlowtuneSimulation"]),
        .testTarget(
            name: "FlowtuneMiningTests", dependencies: ["FlowtuneMining"],
            // The independent reference script and its output, read by path from the tests.
            exclude: ["Reference"]
        ),
        .testTarget(name: "FlowtunePlanningTests", dependencies: ["FlowtunePlanning"]),
        .testTarget(
            name: "FlowtuneLearningTests",
            dependencies: ["FlowtuneLearning", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "FlowtuneServerTests",
            dependencies: [
                "FlowtuneServer", "FlowtunePlanning",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "FlowtuneCLITests",
            dependencies: [
                "FlowtuneCLI", "FlowtuneServer",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
