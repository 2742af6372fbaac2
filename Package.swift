// swift-tools-version: 6.1
// The BMS kiosk (borne multiservices) and its central store.
// Parts and arrows: DESIGN.md (shared), README.md and docs/architecture.md.
// One literal: each dependency named once, each part's targets together.
import PackageDescription

// Products of the dependencies, named once.
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let propertyBased: Target.Dependency = .product(name: "PropertyBased", package: "swift-property-based")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let cryptoExtras: Target.Dependency = .product(name: "CryptoExtras", package: "swift-crypto")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let httpClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let postgres: Target.Dependency = .product(name: "PostgresNIO", package: "postgres-nio")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let yams: Target.Dependency = .product(name: "Yams", package: "Yams")

let package = Package(
    name: "bms-kiosk",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Domain", targets: ["Domain"]),
        .library(name: "FrenchTypography", targets: ["FrenchTypography"]),
        .library(name: "CardProfile", targets: ["CardProfile"]),
        .library(name: "CardReader", targets: ["CardReader"]),
        // Test harness (pcscd + virtual card), shipped like HummingbirdTesting; also the demo's card.
        .library(name: "VirtualCard", targets: ["VirtualCard"]),
        .library(name: "KioskUI", targets: ["KioskUI"]),
        .library(name: "KioskApp", targets: ["KioskApp"]),
        // Test harness for the kiosk (the real central store in process, scenario cards, the smoke runner),
        // shipped like HummingbirdTesting.
        .library(name: "KioskAppTesting", targets: ["KioskAppTesting"]),
        .library(name: "CentralAPI", targets: ["CentralAPI"]),
        .library(name: "Central", targets: ["Central"]),
        .library(name: "CentralTesting", targets: ["CentralTesting"]),
        .library(name: "KioskStore", targets: ["KioskStore"]),
        .library(name: "SyncClient", targets: ["SyncClient"]),
        .library(name: "KioskConfig", targets: ["KioskConfig"]),
        .library(name: "ServiceSupport", targets: ["ServiceSupport"]),
        .library(name: "Printing", targets: ["Printing"]),
        // Test harness (private cupsd + file-writing backend), shipped like HummingbirdTesting.
        .library(name: "PrintingTesting", targets: ["PrintingTesting"]),
        .library(name: "KioskRuntime", targets: ["KioskRuntime"]),
        .library(name: "DocumentCapture", targets: ["DocumentCapture"]),
        .library(name: "QRCode", targets: ["QRCode"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // /metrics on bms-central; its own dependencies (swift-metrics, swift-atomics) are already in the graph.
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Already in the graph through Hummingbird; named for the test server's graceful stop.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // MARK: - Domain: the rules of the services. No I/O, no SDL, no SQL, no HTTP.
        .target(name: "Domain"),
        .testTarget(name: "DomainTests", dependencies: ["Domain", propertyBased]),

        // MARK: - French typography: one set of rules for the screen and the paper. No dependencies.
        .target(name: "FrenchTypography"),
        .testTarget(name: "FrenchTypographyTests", dependencies: ["FrenchTypography", propertyBased]),

        // MARK: - Card: PC/SC reader, card drivers, virtual card (vpcd).
        .systemLibrary(name: "CPCSCLite", pkgConfig: "libpcsclite",
                       providers: [.apt(["libpcsclite-dev"]), .brew(["pcsc-lite"])]),
        .target(name: "CardProfile", dependencies: ["Domain"]),
        .target(name: "CardReader", dependencies: ["CardProfile", "Domain", "CPCSCLite", crypto, logging]),
        .target(name: "VirtualCard", dependencies: ["CardProfile", "CardReader", "Domain", "ProcessHygiene", crypto, logging]),
        // Children started by the harnesses inherit no descriptor (see the module).
        .target(name: "ProcessHygiene"),
        .testTarget(name: "ProcessHygieneTests", dependencies: ["ProcessHygiene"]),
        .testTarget(name: "CardProfileTests", dependencies: ["CardProfile", "Domain"]),
        .testTarget(name: "VirtualCardTests", dependencies: ["VirtualCard", "CardProfile", "Domain", crypto]),
        .testTarget(name: "CardReaderTests", dependencies: ["CardReader", "VirtualCard", "CardProfile", "Domain", crypto]),

        // MARK: - UI: SDL2 widgets, display list, theme, speech; the flows and smoke scenarios.
        .systemLibrary(name: "CSDL2", pkgConfig: "sdl2",
                       providers: [.apt(["libsdl2-dev", "libsdl2-ttf-dev", "libsdl2-image-dev"])]),
        .target(name: "KioskUI", dependencies: ["CSDL2", "FrenchTypography"]),
        // A QR code's modules (libqrencode); KioskUI draws any module matrix without knowing QR codes.
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .target(name: "QRCode", dependencies: ["CQREncode"]),
        .target(name: "KioskApp", dependencies: ["KioskUI", "Domain", "CentralAPI"]),
        .testTarget(name: "KioskUITests", dependencies: ["KioskUI"]),
        .testTarget(name: "KioskAppTests", dependencies: ["KioskApp", "KioskAppTesting", "KioskUI", "Domain", "CentralAPI"]),

        // MARK: - Central store, kiosk outbox, sync, SMS.
        .target(name: "CentralAPI", dependencies: ["Domain", crypto, cryptoExtras]),
        .target(name: "Central", dependencies: ["Domain", "CentralAPI", grdb, httpClient, hummingbird, postgres, logging, prometheus,
                                                crypto, cryptoExtras]),
        .target(name: "CentralTesting", dependencies: ["Central", "CentralAPI", "ProcessHygiene", httpClient, hummingbird, serviceLifecycle]),
        .target(name: "KioskStore", dependencies: ["Domain", "CentralAPI", grdb]),
        .target(name: "SyncClient", dependencies: ["Domain", "CentralAPI", "KioskStore", httpClient, logging]),
        // CardProfile: the EF.RIGHTS the central signs must read back with the card part's decoder.
        .testTarget(name: "CentralTests", dependencies: ["Central", "CentralAPI", "CentralTesting", "Domain", "CardProfile", crypto, cryptoExtras,
                                                         httpClient]),
        .testTarget(name: "KioskStoreTests", dependencies: ["KioskStore", "CentralAPI", "Domain"]),
        // Builds bms-dev too: the SIGKILL tests run its kiosk-sim.
        .testTarget(name: "SyncClientTests", dependencies: ["SyncClient", "KioskStore", "Central", "CentralAPI", "ProcessHygiene",
                                                            "CentralTesting", "Domain", "bms-dev"]),
        .executableTarget(name: "bms-central", dependencies: ["Central", "CentralAPI", "Domain", "ServiceSupport", argumentParser, logging]),

        // MARK: - Operations: kiosk configuration files, systemd notify/watchdog, structured logs.
        .target(name: "KioskConfig", dependencies: ["Domain", yams, crypto]),
        .target(name: "ServiceSupport", dependencies: [logging, crypto]),
        .testTarget(name: "KioskConfigTests", dependencies: ["KioskConfig", "Domain"], exclude: ["Fixtures"]),
        .testTarget(name: "ServiceSupportTests", dependencies: ["ServiceSupport", "ProcessHygiene", logging]),
        // Runs `bms-kiosk doctor` against a real central store and a private cupsd.
        .testTarget(name: "DoctorTests", dependencies: ["bms-kiosk", "Central", "CentralAPI", "CentralTesting", "KioskStore",
                                                        "Printing", "PrintingTesting", "VirtualCard", "Domain", "ProcessHygiene", crypto]),

        // MARK: - Printing: PDF documents (pango/cairo), CUPS queue (libcups), print-once ledger.
        .systemLibrary(name: "CCairo", pkgConfig: "pangocairo", providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),
        // Debian 12 has no cups.pc: the module map links "cups" by name.
        .systemLibrary(name: "CCups", providers: [.apt(["libcups2-dev"])]),
        .target(name: "Printing", dependencies: ["Domain", "CCairo", "CCups", "FrenchTypography"]),
        .target(name: "PrintingTesting", dependencies: ["Printing", "ProcessHygiene"]),
        .testTarget(name: "PrintingTests", dependencies: ["Printing", "PrintingTesting", "Domain"]),

        // MARK: - Runtime: the real parts wired into the kiosk (central services, PC/SC card source, CUPS printer, live smoke).
        .target(name: "KioskRuntime", dependencies: [
            "Domain", "KioskApp", "KioskUI", "CentralAPI", "SyncClient", "KioskStore", "CardProfile", "CardReader",
            "VirtualCard", "Printing", "KioskConfig", "ServiceSupport", "DocumentCapture", "QRCode", crypto, logging,
        ]),
        .testTarget(name: "KioskRuntimeTests", dependencies: [
            "KioskRuntime", "KioskApp", "KioskAppTesting", "KioskUI", "Domain", "CentralAPI", "SyncClient", "KioskStore", "CardProfile", "CardReader",
            "VirtualCard", "Printing", "PrintingTesting", "Central", "CentralTesting", "KioskConfig", "ServiceSupport", "ProcessHygiene",
            crypto,
            // The run command's tests start the real executable.
            "bms-kiosk",
        ]),

        // MARK: - The kiosk executable: every part above, through KioskRuntime; doctor asks pcscd and the central store directly.
        .executableTarget(name: "bms-kiosk", dependencies: [
            "Domain", "CardProfile", "CardReader", "VirtualCard", "KioskApp", "KioskUI", "KioskStore", "SyncClient", "CentralAPI",
            "KioskConfig", "ServiceSupport", "CPCSCLite", "Printing", "KioskRuntime", "DocumentCapture", argumentParser, logging, crypto, httpClient,
        ]),

        // MARK: - Developer tools, never installed on a kiosk: smoke scenarios (in process or live), benchmarks, kiosk-sim.
        .target(name: "KioskAppTesting", dependencies: [
            "KioskApp", "KioskUI", "KioskRuntime", "Domain", "CentralAPI", "Central", "CentralTesting", "SyncClient", "KioskStore",
            "CardReader", "VirtualCard", "Printing", "DocumentCapture",
        ]),
        .executableTarget(name: "bms-dev", dependencies: [
            "KioskAppTesting", "KioskApp", "KioskUI", "KioskRuntime", "KioskConfig", "Domain", "CentralAPI", "Central", "CentralTesting",
            "SyncClient", "KioskStore", "CardReader", "Printing", "ServiceSupport", argumentParser, logging, httpClient,
        ]),

        // MARK: - Documents: the scanner (SANE), crop and JPEG (libjpeg); the rules they are checked against are Domain's.
        .systemLibrary(name: "CSANE", pkgConfig: "sane-backends", providers: [.apt(["libsane-dev"])]),
        // Debian's libjpeg62-turbo has libjpeg.pc; the shim keeps libjpeg's setjmp error handling in C.
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .target(name: "DocumentCapture", dependencies: ["Domain", "CSANE", "CJPEG"]),
        // The scanner through SANE's own test backend, the QR code read back by zbarimg, the phone's upload
        // through a real headless browser against the central store in process.
        .testTarget(name: "DocumentTests", dependencies: [
            "DocumentCapture", "QRCode", "KioskUI", "Domain", "Central", "CentralAPI", "CentralTesting", "SyncClient", "ProcessHygiene",
        ]),
    ]
)
