// swift-tools-version:6.2
// Benchmark of the local embedding model (PrimerEmbeddings), kept out of the main package:
// run it with Benchmarks/embed.sh (release build). Needs the main package to export the
// `PrimerEmbeddings` library product (PrimerCore + PrimerEmbeddings).
import PackageDescription

let package = Package(
    name: "EmbedBench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "primer", path: "../.."),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas"),
        .executableTarget(
            name: "EmbedBench",
            dependencies: [.product(name: "PrimerEmbeddings", package: "primer"), "CBLAS"]
        ),
    ]
)
