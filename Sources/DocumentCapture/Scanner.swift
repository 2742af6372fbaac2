import CSANE
import Dispatch
import Domain
import Foundation

/// What the kiosk asks of a scanner: one image of what is on the glass.
/// The kiosk's seam; `SANEScanner` is the real one (a USB scanner, or
/// SANE's own `test` backend in tests and the demo).
public protocol DocumentScanner: Sendable {
    func scan(_ request: ScanRequest) async throws -> RGBImage
}

public struct ScanRequest: Hashable, Sendable {
    public var dotsPerInch: Int
    /// The area scanned from the glass's top-left corner, in millimetres; nil: the whole glass.
    public var areaMM: (width: Double, height: Double)? {
        get { area.map { ($0[0], $0[1]) } }
        set { area = newValue.map { [$0.width, $0.height] } }
    }
    private var area: [Double]?
    /// Other options by their SANE name (the `test` backend's `test-picture`).
    public var options: [String: String]

    public init(dotsPerInch: Int = 300, areaMM: (width: Double, height: Double)? = nil, options: [String: String] = [:]) {
        self.dotsPerInch = dotsPerInch
        self.options = options
        self.areaMM = areaMM
    }
}

public enum ScannerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configured device is not there (unplugged, off, or another name).
    case noDevice(String)
    /// A SANE call failed: which, and SANE's own words for its status.
    case sane(call: String, status: String)
    /// An option the device does not have, or a value it refuses.
    case option(name: String, value: String)
    /// A frame this code does not read (three-pass, 1-bit or 16-bit).
    case unsupportedFrame(String)

    public var description: String {
        switch self {
        case .noDevice(let d): "scanner \(d) not found: check that it is plugged in and switched on, and the device name in kiosk.yaml"
        case .sane(let call, let status): "\(call) failed: \(status)"
        case .option(let name, let value): "the scanner refused option \(name) = \(value): check kiosk.yaml's scanner settings"
        case .unsupportedFrame(let what): "the scanner sent \(what): set it to 8-bit colour or gray"
        }
    }
}

/// A scanner through libsane. SANE calls block (a real scanner takes
/// seconds), and the library keeps global state: every call runs on one
/// serial queue of the process's own, never on the caller's thread.
public struct SANEScanner: DocumentScanner {
    /// A SANE device name: `test:0`, `genesys:libusb:001:004`…
    public let device: String

    public init(device: String) { self.device = device }

    static let queue = DispatchQueue(label: "bms.sane", qos: .userInitiated)

    public func scan(_ request: ScanRequest) async throws -> RGBImage {
        let device = device
        return try await withCheckedThrowingContinuation { continuation in
            Self.queue.async {
                continuation.resume(with: Result { try Self.scanNow(device: device, request) })
            }
        }
    }

    /// The device names SANE sees now (doctor, the technician's check).
    public static func devices() async throws -> [String] {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result {
                    try check(sane_init(nil, nil), "sane_init")
                    defer { sane_exit() }
                    var list: UnsafeMutablePointer<UnsafePointer<SANE_Device>?>?
                    try check(sane_get_devices(&list, SANE_Bool(1)), "sane_get_devices")
                    var names: [String] = []
                    var i = 0
                    while let d = list?[i] { names.append(String(cString: d.pointee.name)); i += 1 }
                    return names
                })
            }
        }
    }

    static func check(_ status: SANE_Status, _ call: String) throws {
        guard status != SANE_STATUS_GOOD else { return }
        throw ScannerError.sane(call: call, status: String(cString: sane_strstatus(status)))
    }

    /// One whole session: init, open, options, start, read, close, exit.
    /// Nothing stays open between scans (a scanner unplugged between two
    /// assurés is simply found missing at the next scan).
    static func scanNow(device: String, _ request: ScanRequest) throws -> RGBImage {
        try check(sane_init(nil, nil), "sane_init")
        defer { sane_exit() }
        var handle: SANE_Handle?
        let opened = sane_open(device, &handle)
        // SANE says INVAL for a name no backend knows.
        if opened == SANE_STATUS_INVAL { throw ScannerError.noDevice(device) }
        try check(opened, "sane_open \(device)")
        guard let handle else { throw ScannerError.noDevice(device) }
        defer { sane_close(handle) }

        try set(handle, "mode", "Color")
        try set(handle, "resolution", String(request.dotsPerInch))
        if let area = request.areaMM {
            try set(handle, "tl-x", "0")
            try set(handle, "tl-y", "0")
            try set(handle, "br-x", String(area.width))
            try set(handle, "br-y", String(area.height))
        }
        for (name, value) in request.options.sorted(by: { $0.key < $1.key }) { try set(handle, name, value) }

        try check(sane_start(handle), "sane_start")
        defer { sane_cancel(handle) }
        var p = SANE_Parameters()
        try check(sane_get_parameters(handle, &p), "sane_get_parameters")
        guard p.depth == 8 else { throw ScannerError.unsupportedFrame("\(p.depth)-bit samples") }
        let channels: Int
        switch p.format {
        case SANE_FRAME_RGB: channels = 3
        case SANE_FRAME_GRAY: channels = 1
        default: throw ScannerError.unsupportedFrame("separate colour passes (frame \(p.format.rawValue))")
        }
        let width = Int(p.pixels_per_line), bytesPerLine = Int(p.bytes_per_line)
        var data: [UInt8] = []
        if p.lines > 0 { data.reserveCapacity(Int(p.lines) * bytesPerLine) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var length: SANE_Int = 0
            let status = buffer.withUnsafeMutableBufferPointer { sane_read(handle, $0.baseAddress, SANE_Int($0.count), &length) }
            if status == SANE_STATUS_EOF { break }
            try check(status, "sane_read")
            data += buffer[0..<Int(length)]
        }
        // Lines may be unknown beforehand (-1): as many as were read.
        let height = bytesPerLine > 0 ? data.count / bytesPerLine : 0
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let o = (y * width + x) * 3, s = y * bytesPerLine + x * channels
                if channels == 3 { rgb[o] = data[s]; rgb[o + 1] = data[s + 1]; rgb[o + 2] = data[s + 2] }
                else { rgb[o] = data[s]; rgb[o + 1] = data[s]; rgb[o + 2] = data[s] }
            }
        }
        return RGBImage(width: width, height: height, dotsPerInch: request.dotsPerInch, pixels: rgb)
    }

    /// Sets an option by name, in the type the device declares (string, int, fixed, bool).
    static func set(_ handle: SANE_Handle, _ name: String, _ value: String) throws {
        var count: SANE_Int = 0
        try check(sane_control_option(handle, 0, SANE_ACTION_GET_VALUE, &count, nil), "sane_control_option 0")
        for n in 1..<max(count, 1) {
            guard let d = sane_get_option_descriptor(handle, n), let cname = d.pointee.name, String(cString: cname) == name else { continue }
            // Inactive (SANE_CAP_INACTIVE): the device ignores it in this mode.
            guard d.pointee.cap & 32 == 0 else { return }
            var info: SANE_Int = 0
            let status: SANE_Status
            switch d.pointee.type {
            case SANE_TYPE_STRING:
                // A buffer of the option's declared size, NUL-terminated.
                let text = Array(value.utf8CString)
                var buf = [CChar](repeating: 0, count: max(Int(d.pointee.size), text.count))
                for (i, c) in text.enumerated() { buf[i] = c }
                status = sane_control_option(handle, n, SANE_ACTION_SET_VALUE, &buf, &info)
            case SANE_TYPE_INT, SANE_TYPE_BOOL:
                guard let v = Double(value) ?? (value == "true" ? 1 : value == "false" ? 0 : nil) else {
                    throw ScannerError.option(name: name, value: value)
                }
                var w = SANE_Word(v.rounded())
                status = sane_control_option(handle, n, SANE_ACTION_SET_VALUE, &w, &info)
            case SANE_TYPE_FIXED:
                guard let v = Double(value) else { throw ScannerError.option(name: name, value: value) }
                var w = SANE_Word((v * 65536).rounded())  // SANE_FIX: 16.16
                status = sane_control_option(handle, n, SANE_ACTION_SET_VALUE, &w, &info)
            default:
                throw ScannerError.option(name: name, value: value)
            }
            guard status == SANE_STATUS_GOOD else { throw ScannerError.option(name: name, value: value) }
            return
        }
        throw ScannerError.option(name: name, value: value)
    }
}
