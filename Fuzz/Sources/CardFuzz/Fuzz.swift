import CardProfile

/// libFuzzer entry: the first byte picks the parser, the rest is the input.
/// Any crash, overflow or unbounded allocation is a finding; typed errors
/// are the expected outcome for bad input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let input = Array(bytes.dropFirst())
    switch bytes[0] % 9 {
    case 0: _ = try? TLVDecoder(rules: .bmsVit).decode(input)
    case 1: _ = try? TLVDecoder(rules: .iso7816).decode(input)
    case 2: _ = try? CardFile.decode(input)
    case 3: _ = try? BenefFile.decode(input)
    case 4: _ = try? CertificateFile.decode(input)
    case 5: _ = try? RightsFile.decode(input)
    case 6:
        _ = try? Vitale2.decodeMap(input)
        var zone = Vitale2.ClearZone(beneficiaries: [], validityStart: nil)
        _ = try? Vitale2.decodeFile(input, into: &zone)
        _ = try? zone.foyer()
    case 7:
        if let r = try? ResponseAPDU(bytes: input) { _ = r.sw.outcome.description }
    default:
        if let c = CommandAPDU(bytes: input) { _ = c.bytes; _ = c.description }
    }
    return 0
}

// SwiftPM links an executable's entry as `CardFuzz_main` (main is renamed
// for testability), so libFuzzer's own main is not used: start its driver
// from here instead.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("CardFuzz_main")
public func cardFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, count in fuzz(data, count) }
}
