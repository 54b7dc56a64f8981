// swift-tools-version: 6.0
// Fuzz targets for libFuzzer, kept out of the main package: they have no `main` of their own
// (libFuzzer's is linked in by `-sanitize=fuzzer`), so they build only as `scripts/fuzz` does.
import PackageDescription

let package = Package(
  name: "CaseworkFuzz",
  dependencies: [.package(name: "Casework", path: "..")],
  targets: [
    .target(name: "FuzzSupport"),
    .executableTarget(name: "FuzzMail", dependencies: ["FuzzSupport", .product(name: "CaseworkMail", package: "Casework")]),
    .executableTarget(name: "FuzzPolicy", dependencies: ["FuzzSupport", .product(name: "CaseworkPolicy", package: "Casework")]),
    .executableTarget(name: "FuzzChat", dependencies: ["FuzzSupport", .product(name: "CaseworkCore", package: "Casework")]),
  ],
  swiftLanguageModes: [.v6]
)
