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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
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
            dependencies: ["FlowtuneCore", "FlowtuneStore"]
        ),
        .executableTarget(
            name: "FlowtuneCLI",
            dependencies: [
                "FlowtuneCore", "FlowtuneStore", "FlowtuneEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "FlowtuneCoreTests", dependencies: ["FlowtuneCore"]),
        .testTarget(name: "FlowtuneStoreTests", dependencies: ["FlowtuneStore"]),
        .testTarget(name: "FlowtuneEngineTests", dependencies: ["FlowtuneEngine"]),
        .testTarget(name: "FlowtuneCLITests", dependencies: ["FlowtuneCLI"]),
    ]
)
