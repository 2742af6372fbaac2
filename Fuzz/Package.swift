// swift-tools-version: 6.1
// libFuzzer target for the card parsing (BER-TLV, status words, the
// BMS-VIT files, the Vitale 2 clear zone). Sources/Domain and
// Sources/CardProfile are symlinks to the root package's modules, so this
// package builds only what the fuzzer exercises. Run: scripts/fuzz.sh SECONDS
import PackageDescription

let package = Package(
    name: "CardFuzz",
    targets: [
        .target(name: "Domain"),
        .target(name: "CardProfile", dependencies: ["Domain"]),
        .executableTarget(name: "CardFuzz", dependencies: ["CardProfile", "Domain"],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ]
)
