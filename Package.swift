// swift-tools-version: 6.1
// The BMS kiosk (borne multiservices) and its central store.
// Parts and arrows: DESIGN.md (shared) and README.md. Each part below keeps
// its own targets, so that a module is added or changed in one place.
import PackageDescription

var products: [Product] = []
var dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
]
var targets: [Target] = []
/// What the `bms-kiosk` executable links; each part appends its modules.
var kioskExecutableDependencies: [Target.Dependency] = [
    "Domain",
    .product(name: "ArgumentParser", package: "swift-argument-parser"),
    .product(name: "Logging", package: "swift-log"),
]
let propertyBased: Target.Dependency = .product(name: "PropertyBased", package: "swift-property-based")

// MARK: - Domain: the rules of the services. No I/O, no SDL, no SQL, no HTTP.
products += [.library(name: "Domain", targets: ["Domain"])]
targets += [
    .target(name: "Domain"),
    .testTarget(name: "DomainTests", dependencies: ["Domain", propertyBased]),
]

// MARK: - French typography: one set of rules for the screen and the paper. No dependencies.
products += [.library(name: "FrenchTypography", targets: ["FrenchTypography"])]
targets += [
    .target(name: "FrenchTypography"),
    .testTarget(name: "FrenchTypographyTests", dependencies: ["FrenchTypography", propertyBased]),
]

// MARK: - Card: PC/SC reader, card drivers, virtual card (vpcd).
// swift-crypto may also be wanted by another part: add it once only.
if !dependencies.contains(where: { "\($0.kind)".contains("swift-crypto") }) {
    dependencies.append(.package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"))
}
let cardCrypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let cardLogging: Target.Dependency = .product(name: "Logging", package: "swift-log")
products += [
    .library(name: "CardProfile", targets: ["CardProfile"]),
    .library(name: "CardReader", targets: ["CardReader"]),
    // Test harness (pcscd + virtual card), shipped like HummingbirdTesting.
    .library(name: "VirtualCard", targets: ["VirtualCard"]),
]
targets += [
    .systemLibrary(name: "CPCSCLite", pkgConfig: "libpcsclite",
                   providers: [.apt(["libpcsclite-dev"]), .brew(["pcsc-lite"])]),
    .target(name: "CardProfile", dependencies: ["Domain"]),
    .target(name: "CardReader", dependencies: ["CardProfile", "Domain", "CPCSCLite", cardCrypto, cardLogging]),
    .target(name: "VirtualCard", dependencies: ["CardProfile", "CardReader", "Domain", "ProcessHygiene", cardCrypto, cardLogging]),
    // Children started by the harnesses inherit no descriptor (see the module).
    .target(name: "ProcessHygiene"),
    .testTarget(name: "ProcessHygieneTests", dependencies: ["ProcessHygiene"]),
    .testTarget(name: "CardProfileTests", dependencies: ["CardProfile", "Domain"]),
    .testTarget(name: "VirtualCardTests", dependencies: ["VirtualCard", "CardProfile", "Domain", cardCrypto]),
    .testTarget(name: "CardReaderTests", dependencies: ["CardReader", "VirtualCard", "CardProfile", "Domain", cardCrypto]),
]
kioskExecutableDependencies += ["CardProfile", "CardReader", "VirtualCard", cardCrypto]

// MARK: - UI: SDL2 widgets, display list, theme, speech, smoke scenarios.
products += [
    .library(name: "KioskUI", targets: ["KioskUI"]),
    .library(name: "KioskApp", targets: ["KioskApp"]),
]
targets += [
    .systemLibrary(name: "CSDL2", pkgConfig: "sdl2",
                   providers: [.apt(["libsdl2-dev", "libsdl2-ttf-dev", "libsdl2-image-dev"])]),
    .target(name: "KioskUI", dependencies: ["CSDL2", "FrenchTypography"]),
    .target(name: "KioskApp", dependencies: ["KioskUI", "Domain", "CentralAPI"]),
    .testTarget(name: "KioskUITests", dependencies: ["KioskUI"]),
    .testTarget(name: "KioskAppTests", dependencies: ["KioskApp", "KioskUI", "Domain", "CentralAPI"]),
]
kioskExecutableDependencies += ["KioskApp", "KioskUI"]

// MARK: - Central store, kiosk outbox, sync, SMS.
// Added only when no other part declared it, so parts can share a package.
for (url, version) in [
    ("https://github.com/apple/swift-crypto.git", "4.5.2"),
    ("https://github.com/hummingbird-project/hummingbird.git", "2.28.1"),
    ("https://github.com/groue/GRDB.swift.git", "7.10.0"),
    ("https://github.com/vapor/postgres-nio.git", "1.33.2"),
    ("https://github.com/swift-server/async-http-client.git", "1.37.0"),
    // /metrics on bms-central; its own dependencies (swift-metrics, swift-atomics) are already in the graph.
    ("https://github.com/swift-server/swift-prometheus.git", "2.4.1"),
    // Already in the graph through Hummingbird; named for the test server's graceful stop.
    ("https://github.com/swift-server/swift-service-lifecycle.git", "2.13.0"),
] where !dependencies.contains(where: {
    if case .sourceControl(_, let location, _) = $0.kind { return location == url }
    return false
}) {
    dependencies.append(.package(url: url, from: Version(stringLiteral: version)))
}
let centralCrypto: [Target.Dependency] = [
    .product(name: "Crypto", package: "swift-crypto"),
    .product(name: "CryptoExtras", package: "swift-crypto"),
]
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let httpClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
products += [
    .library(name: "CentralAPI", targets: ["CentralAPI"]),
    .library(name: "Central", targets: ["Central"]),
    .library(name: "CentralTesting", targets: ["CentralTesting"]),
    .library(name: "KioskStore", targets: ["KioskStore"]),
    .library(name: "SyncClient", targets: ["SyncClient"]),
]
targets += [
    .target(name: "CentralAPI", dependencies: ["Domain"] + centralCrypto),
    .target(name: "Central", dependencies: [
        "Domain", "CentralAPI", grdb, httpClient,
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Prometheus", package: "swift-prometheus"),
    ] + centralCrypto),
    .target(name: "CentralTesting", dependencies: [
        "Central", "CentralAPI", "ProcessHygiene", httpClient,
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    ]),
    .target(name: "KioskStore", dependencies: ["Domain", "CentralAPI", grdb]),
    .target(name: "SyncClient", dependencies: ["Domain", "CentralAPI", "KioskStore", httpClient,
                                               .product(name: "Logging", package: "swift-log")]),
    // CardProfile: the EF.RIGHTS the central signs must read back with the card part's decoder.
    .testTarget(name: "CentralTests", dependencies: ["Central", "CentralAPI", "CentralTesting", "Domain", "CardProfile"] + centralCrypto),
    .testTarget(name: "KioskStoreTests", dependencies: ["KioskStore", "CentralAPI", "Domain"]),
    // Builds bms-central too: the SIGKILL tests run its kiosk-sim.
    .testTarget(name: "SyncClientTests", dependencies: ["SyncClient", "KioskStore", "Central", "CentralAPI", "ProcessHygiene",
                                                        "CentralTesting", "Domain", "bms-central"]),
    .executableTarget(name: "bms-central", dependencies: [
        "Central", "CentralAPI", "CentralTesting", "SyncClient", "KioskStore", "Domain", "ServiceSupport", httpClient,
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
    ]),
]
kioskExecutableDependencies += ["KioskStore", "SyncClient", "CentralAPI"]

// MARK: - Operations: kiosk configuration files, systemd notify/watchdog, structured logs.
for (url, version) in [
    ("https://github.com/jpsim/Yams.git", "6.2.2"),
    ("https://github.com/apple/swift-crypto.git", "4.5.2"),
] where !dependencies.contains(where: {
    if case .sourceControl(_, let location, _) = $0.kind { return location == url }
    return "\($0.kind)".contains(url.dropFirst("https://github.com/".count).dropLast(".git".count))
}) {
    dependencies.append(.package(url: url, from: Version(stringLiteral: version)))
}
let opsCrypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let opsLogging: Target.Dependency = .product(name: "Logging", package: "swift-log")
products += [
    .library(name: "KioskConfig", targets: ["KioskConfig"]),
    .library(name: "ServiceSupport", targets: ["ServiceSupport"]),
]
targets += [
    .target(name: "KioskConfig", dependencies: ["Domain", .product(name: "Yams", package: "Yams"), opsCrypto]),
    .target(name: "ServiceSupport", dependencies: [opsLogging, opsCrypto]),
    .testTarget(name: "KioskConfigTests", dependencies: ["KioskConfig", "Domain"], exclude: ["Fixtures"]),
    .testTarget(name: "ServiceSupportTests", dependencies: ["ServiceSupport", "ProcessHygiene", opsLogging]),
    // Runs `bms-kiosk doctor` against a real central store and a private cupsd.
    .testTarget(name: "DoctorTests", dependencies: ["bms-kiosk", "Central", "CentralAPI", "CentralTesting", "KioskStore",
                                                    "Printing", "PrintingTesting", "VirtualCard", "Domain", "ProcessHygiene", opsCrypto]),
]
// doctor: asks pcscd and the central store directly.
kioskExecutableDependencies += ["KioskConfig", "ServiceSupport", "CPCSCLite", httpClient]

// MARK: - Printing: PDF documents (pango/cairo), CUPS queue (libcups), print-once ledger.
products += [
    .library(name: "Printing", targets: ["Printing"]),
    // Test harness (private cupsd + file-writing backend), shipped like HummingbirdTesting.
    .library(name: "PrintingTesting", targets: ["PrintingTesting"]),
]
targets += [
    .systemLibrary(name: "CCairo", pkgConfig: "pangocairo",
                   providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),
    // Debian 12 has no cups.pc: the module map links "cups" by name.
    .systemLibrary(name: "CCups", providers: [.apt(["libcups2-dev"])]),
    .target(name: "Printing", dependencies: ["Domain", "CCairo", "CCups", "FrenchTypography"]),
    .target(name: "PrintingTesting", dependencies: ["Printing", "ProcessHygiene"]),
    .testTarget(name: "PrintingTests", dependencies: ["Printing", "PrintingTesting", "Domain"]),
]
kioskExecutableDependencies += ["Printing"]

// MARK: - Runtime: the real parts wired into the kiosk (central services, PC/SC card source, CUPS printer, live smoke).
products += [.library(name: "KioskRuntime", targets: ["KioskRuntime"])]
let runtimeCrypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let runtimeLogging: Target.Dependency = .product(name: "Logging", package: "swift-log")
targets += [
    .target(name: "KioskRuntime", dependencies: [
        "Domain", "KioskApp", "KioskUI", "CentralAPI", "SyncClient", "KioskStore", "CardProfile", "CardReader",
        "VirtualCard", "Printing", "KioskConfig", "ServiceSupport", runtimeCrypto, runtimeLogging,
    ]),
    .testTarget(name: "KioskRuntimeTests", dependencies: [
        "KioskRuntime", "KioskApp", "KioskUI", "Domain", "CentralAPI", "SyncClient", "KioskStore", "CardProfile", "CardReader",
        "VirtualCard", "Printing", "PrintingTesting", "Central", "CentralTesting", "KioskConfig", "ServiceSupport", "ProcessHygiene",
        runtimeCrypto,
        // The run command's tests start the real executable.
        "bms-kiosk",
    ]),
]
kioskExecutableDependencies += ["KioskRuntime"]

// MARK: - Executables
targets += [
    .executableTarget(name: "bms-kiosk", dependencies: kioskExecutableDependencies),
]

let package = Package(
    name: "bms-kiosk",
    platforms: [.macOS(.v14)],
    products: products,
    dependencies: dependencies,
    targets: targets
)
