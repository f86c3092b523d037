// swift-tools-version: 6.0
// Roster: keeps an event's participants live in its Salesforce campaign.
//
// The module graph, from the leaves up:
//   RosterCore          domain types and pure rules (no I/O)
//   RosterMetrics       every metric Roster exports, named in one place
//   SQLiteReader        SQLite's reads on threads of their own, with kept statements (SQLite's C API)
//   RosterStore         persistence on SQLKit (SQLite or PostgreSQL), migrations, repositories
//   RosterFiles         participant files: CSV import parsing, CSV and xlsx export
//   SalesforceClient    a Salesforce REST + OAuth client on AsyncHTTPClient (knows nothing of Roster)
//   SalesforceSandbox   an emulator of the Salesforce REST API, for tests and the demo
//   RosterConnector     the Salesforce connector: settings, connections, configuration check
//   RosterSync          the sync engine: a pure planner, batched execution, forced runs, live sync
//   RosterWeb           the back office: server-rendered pages (Mustache), sign-in sessions, EN/FR
//   RosterServer        the Hummingbird application: REST API (spec-first), metrics, composition root
//   roster              the executable: parses arguments, calls the libraries
import PackageDescription

/// Settings every target shares.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "roster",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "roster", targets: ["RosterCommand"]),
        .library(name: "RosterServer", targets: ["RosterServer"]),
        .library(name: "SalesforceSandbox", targets: ["SalesforceSandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.24.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.0"),
        // Up to the next minor only: SQLiteReader's SQLiteReadConnection calls the SQLite that sqlite-nio embeds
        // (its `VaporCSQLite` module and `sqlite_nio_`-prefixed symbols), which is not its public API
        // and may change in a minor release; move the bound after checking that file builds and its tests pass.
        .package(url: "https://github.com/vapor/sqlite-nio", .upToNextMinor(from: "1.13.0")),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // The sync's time as an interface: `AnyClock` in the engine, `TestClock` in its tests.
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.0.0"),
    ],
    targets: [
        // MARK: Domain
        .target(
            name: "RosterCore",
            swiftSettings: strict
        ),

        // MARK: Infrastructure leaves
        // Every metric's name and kind, in one place.
        .target(name: "RosterMetrics", dependencies: [.product(name: "Metrics", package: "swift-metrics")], swiftSettings: strict),
        // SQLite's reads on threads of their own, through SQLite's C API with kept statements: why
        // it is written by hand is at the top of SQLiteReadConnection.swift and ReadThreads.swift.
        .target(
            name: "SQLiteReader",
            dependencies: [
                "CSQLiteSettings",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                // Its SQLite (`VaporCSQLite`), for the read connections (SQLiteReadConnection).
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "RosterStore",
            dependencies: [
                "RosterCore",
                "SQLiteReader",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // A connection setting of sqlite-nio's SQLite that only a variadic C function reaches.
        .target(name: "CSQLiteSettings", dependencies: [.product(name: "SQLiteNIO", package: "sqlite-nio")]),
        .target(
            name: "RosterFiles",
            dependencies: [
                "RosterCore",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SalesforceClient",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SalesforceSandbox",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // MARK: Engine
        .target(
            name: "RosterConnector",
            dependencies: [
                "RosterMetrics",
                "RosterCore",
                "RosterStore",
                "SalesforceClient",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        .target(
            name: "RosterSync",
            dependencies: [
                "RosterMetrics",
                "RosterConnector",
                "RosterCore",
                "RosterStore",
                "SalesforceClient",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // MARK: Application
        .target(
            name: "RosterWeb",
            dependencies: [
                "RosterFiles",
                "RosterCore",
                "RosterStore",
                "RosterConnector",
                "SalesforceClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Templates"), .copy("Static"), .copy("Strings")],
            swiftSettings: strict
        ),
        .target(
            name: "RosterServer",
            dependencies: [
                "RosterMetrics",
                // Which read threads a request's reads run on (ReadPriorityMiddleware).
                "SQLiteReader",
                "RosterWeb",
                "RosterCore",
                "RosterStore",
                "RosterFiles",
                "RosterConnector",
                "RosterSync",
                "SalesforceClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                // The connection limits (ConnectionGuard) are channel handlers around Hummingbird's HTTP/1 channel.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                // Reads each operation's permission (x-roster-permission) from openapi.yaml at start.
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                // The OAuth callback's page (CallbackPage).
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                // Bootstraps the metrics system with Prometheus (Observability).
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("openapi.yaml")],
            swiftSettings: strict,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),

        // MARK: Executable
        .executableTarget(
            name: "RosterCommand",
            dependencies: [
                "RosterServer",
                "RosterWeb",
                "RosterCore",
                "RosterStore",
                "RosterSync",
                "SalesforceSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // MARK: Tests
        .testTarget(name: "RosterCoreTests", dependencies: ["RosterCore"], swiftSettings: strict),
        .testTarget(name: "RosterStoreTests", dependencies: ["RosterStore", "SQLiteReader", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
        .testTarget(
            name: "RosterFilesTests",
            dependencies: [
                "RosterFiles",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                // The reference the export's CSV is checked against.
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SalesforceSandboxTests",
            dependencies: [
                "SalesforceSandbox",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            exclude: ["Fixtures"], // read by path (#filePath), not bundled
            swiftSettings: strict
        ),
        .testTarget(
            name: "SalesforceClientTests",
            dependencies: [
                "SalesforceClient",
                "SalesforceSandbox",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RosterSyncTests",
            dependencies: ["RosterSync", "RosterConnector", "RosterCore", "SalesforceClient",
                           // The fidelity check of what the engine asks an org (InboundLookSandboxTests).
                           "SalesforceSandbox",
                           .product(name: "Clocks", package: "swift-clocks"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RosterConnectorTests",
            dependencies: ["RosterConnector", "RosterCore", "SalesforceClient"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RosterWebTests",
            dependencies: ["RosterWeb", "RosterStore", "RosterCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RosterServerTests",
            dependencies: [
                "RosterServer",
                "RosterWeb",
                "RosterStore",
                "SQLiteReader",
                "SalesforceSandbox",
                "SalesforceClient",
                "RosterCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // Signs webhook deliveries as a registration tool would.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)

