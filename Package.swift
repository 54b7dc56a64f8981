// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Casework",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "casework", targets: ["casework"]),
    // For the fuzz targets' own package (Fuzz/Package.swift), which scripts/fuzz builds.
    .library(name: "CaseworkCore", targets: ["CaseworkCore"]),
    .library(name: "CaseworkMail", targets: ["CaseworkMail"]),
    .library(name: "CaseworkPolicy", targets: ["CaseworkPolicy"]),
  ],
  dependencies: [
    .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
    .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
    .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
    .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
    .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
    .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
    .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
    .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
    .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
    .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
    .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
  ],
  targets: [
    .target(name: "CaseworkCore", resources: [.copy("Resources/bank-holidays.json")]),
    // Email: RFC 5322 and MIME parsing, outgoing messages (Foundation only).
    .target(name: "CaseworkMail", dependencies: ["CaseworkCore"]),
    // The policy file (YAML, read with Yams so every error carries its line).
    .target(
      name: "CaseworkPolicy", dependencies: ["CaseworkCore", .product(name: "Yams", package: "Yams")],
      resources: [.copy("Resources/deadline-policy.yaml")]),
    .target(
      name: "CaseworkStore",
      dependencies: [
        "CaseworkCore",
        .product(name: "FluentKit", package: "fluent-kit"),
        .product(name: "FluentSQL", package: "fluent-kit"),
        .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
        .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
        .product(name: "SQLKit", package: "sql-kit"),
        .product(name: "SQLiteKit", package: "sqlite-kit"),
        .product(name: "SQLiteNIO", package: "sqlite-nio"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(
      name: "CaseworkServer",
      dependencies: [
        "CaseworkCore",
        "CaseworkMail",
        "CaseworkPolicy",
        "CaseworkStore",
        .product(name: "Vapor", package: "vapor"),
        .product(name: "Fluent", package: "fluent"),
        .product(name: "Leaf", package: "leaf"),
        .product(name: "LeafKit", package: "leaf-kit"),
        .product(name: "SQLKit", package: "sql-kit"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      resources: [.copy("Resources")]
    ),
    .executableTarget(
      name: "casework",
      dependencies: [
        "CaseworkCore",
        "CaseworkMail",
        "CaseworkPolicy",
        "CaseworkStore",
        "CaseworkServer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Vapor", package: "vapor"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    // Benchmarks: run by scripts/bench/deadlines in a release build.
    .executableTarget(name: "DeadlineBench", dependencies: ["CaseworkCore"], path: "Benchmarks/DeadlineBench"),
    .executableTarget(name: "MailBench", dependencies: ["CaseworkMail"], path: "Benchmarks/MailBench"),
    // Live chat load: idle connections held, conversations timed (scripts/bench/chat).
    .executableTarget(
      name: "ChatBench",
      dependencies: [
        .product(name: "Vapor", package: "vapor"), .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
      ],
      path: "Benchmarks/ChatBench"),
    // Shared by the test targets: in-memory fakes of Core's ports, a clock tests can move, and
    // which database engines to run on.
    .target(name: "CaseworkTestSupport", dependencies: ["CaseworkCore"], path: "Tests/CaseworkTestSupport"),
    .testTarget(
      name: "CaseworkCoreTests",
      dependencies: [
        "CaseworkCore", "CaseworkPolicy", "CaseworkTestSupport",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]),
    .testTarget(
      name: "CaseworkStoreTests",
      dependencies: [
        "CaseworkStore", "CaseworkCore", "CaseworkTestSupport",
        .product(name: "FluentKit", package: "fluent-kit"),
        .product(name: "SQLKit", package: "sql-kit"),
        .product(name: "SQLiteKit", package: "sqlite-kit"),
        .product(name: "SQLiteNIO", package: "sqlite-nio"),
        .product(name: "PostgresKit", package: "postgres-kit"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    .testTarget(name: "CaseworkMailTests", dependencies: ["CaseworkMail", "CaseworkCore"]),
    .testTarget(
      name: "CaseworkServerTests",
      dependencies: [
        "CaseworkCore",
        "CaseworkStore",
        "CaseworkServer",
        "CaseworkMail",
        "CaseworkTestSupport",
        .product(name: "Vapor", package: "vapor"),
        .product(name: "VaporTesting", package: "vapor"),
        .product(name: "FluentKit", package: "fluent-kit"),
        .product(name: "SQLKit", package: "sql-kit"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
  ],
  swiftLanguageModes: [.v6]
)
