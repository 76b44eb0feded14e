// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "primer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "primer", targets: ["primer"]),
        // For Benchmarks/EmbedBench (a separate package measuring the local embedding model).
        .library(name: "PrimerEmbeddings", targets: ["PrimerEmbeddings"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/jwt.git", from: "5.2.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
    ],
    targets: [
        // Domain: validation rules, profiles, tokens. Plain Swift, no Vapor.
        .target(
            name: "PrimerCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // OpenBLAS (Debian libopenblas-dev) for the local embedding model's matrix products.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // The encoder's kernel for short passes over pre-packed weights (AVX2/FMA, plain C
        // elsewhere); optimised in debug builds too, as the tests embed real text.
        .target(
            name: "CPanelGEMM",
            cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]
        ),
        // The local embedding model (all-MiniLM-L6-v2) in Swift. No Vapor.
        .target(
            name: "PrimerEmbeddings",
            dependencies: ["PrimerCore", "COpenBLAS", "CPanelGEMM"],
            // The encoder's loops (GELU, softmax, layer norm) are ~50× slower unoptimised; tests
            // embed real text, so debug builds optimise this module too.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // Language-model providers (OpenAI-compatible servers, Cohere) behind AnswerGenerator. No Vapor.
        .target(
            name: "PrimerProviders",
            dependencies: [
                "PrimerCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // HTTP + storage layer.
        .target(
            name: "PrimerServer",
            dependencies: [
                "PrimerCore",
                "PrimerProviders",
                "PrimerEmbeddings",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "JWT", package: "jwt"),
                .product(name: "Ink", package: "Ink"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [.copy("Resources/openapi.json"), .copy("Resources/Public")]
        ),
        .executableTarget(
            name: "primer",
            dependencies: ["PrimerServer"]
        ),
        // Helpers the test targets share (child processes run without blocking the cooperative pool).
        .target(
            name: "PrimerTestSupport",
            path: "Tests/PrimerTestSupport"
        ),
        .testTarget(
            name: "PrimerCoreTests",
            dependencies: ["PrimerCore", "PrimerTestSupport"]
        ),
        .testTarget(
            name: "PrimerEmbeddingsTests",
            dependencies: ["PrimerEmbeddings", "CPanelGEMM"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "PrimerProvidersTests",
            dependencies: [
                "PrimerProviders",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "PrimerServerTests",
            dependencies: [
                "PrimerServer",
                "PrimerTestSupport",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ]
)
