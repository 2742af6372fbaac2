/// The documents of a carte Vitale order (seed 000, étapes 2 and 3): a
/// photo d'identité and a pièce d'identité, scanned at the kiosk or sent
/// from the assuré's phone. What can be checked without guessing is here,
/// on numbers: the image code (DocumentCapture) measures, these rules
/// decide. Nothing here looks at a face or reads a document.

/// Which document a file is for.
public enum DocumentKind: String, Hashable, Sendable, Codable, CaseIterable {
    case photo
    case identityDocument
}

/// The thresholds, named. Luminance is 0 (black) to 255 (white), measured
/// on the document once cropped (the scanner's lid is not counted).
public struct DocumentParameters: Hashable, Sendable, Codable {
    /// Seed 000: « La taille du fichier doit être comprise entre 50 Ko et 2 Mo. »
    public var minBytes: Int = 50 * 1024
    public var maxBytes: Int = 2 * 1024 * 1024
    /// Below this mean the image is too dark to read (a lid left open, a black page).
    public var darkMeanBelow: Double = 45
    /// Above this mean it is washed out (an empty glass, an overexposed photo).
    public var lightMeanAbove: Double = 240
    /// Less spread than this and the image holds nothing: one flat colour.
    public var blankStdDevBelow: Double = 8
    /// The document, once cropped, at least this big on the glass (a
    /// photo d'identité is 35 × 45 mm): smaller is a speck, not a document.
    public var minShortSideMM: Double = 30
    public var minLongSideMM: Double = 40
    /// And enough pixels for the web service to read it, whatever the resolution.
    public var minShortSidePixels: Int = 300
    /// A photo d'identité stands up: height at least this times its width (45/35 ≈ 1.29).
    public var photoMinPortraitRatio: Double = 1.1
    /// A pixel belongs to the document when its luminance is at least this far from the lid's white.
    public var cropDistanceFromBackground: Double = 40
    /// JPEG qualities tried in order until the file is under `maxBytes`.
    public var jpegQualities: [Int] = [95, 90, 85, 78, 70, 60, 50, 40]

    public init() {}

    public static let standard = DocumentParameters()
}

/// What the image code measured, in numbers only.
public struct ImageMeasures: Hashable, Sendable {
    public var widthPixels: Int
    public var heightPixels: Int
    public var dotsPerInch: Int
    public var meanLuminance: Double
    public var luminanceStdDev: Double

    public init(widthPixels: Int, heightPixels: Int, dotsPerInch: Int, meanLuminance: Double, luminanceStdDev: Double) {
        self.widthPixels = widthPixels
        self.heightPixels = heightPixels
        self.dotsPerInch = dotsPerInch
        self.meanLuminance = meanLuminance
        self.luminanceStdDev = luminanceStdDev
    }

    public var widthMM: Double { Double(widthPixels) / Double(max(dotsPerInch, 1)) * 25.4 }
    public var heightMM: Double { Double(heightPixels) / Double(max(dotsPerInch, 1)) * 25.4 }
}

/// Why a document cannot be used as it is: each case tells the assuré
/// what to do (the kiosk's catalogs and the phone's page word it).
public enum DocumentProblem: String, Error, Hashable, Sendable, Codable, CaseIterable {
    case tooDark, tooLight, blank, tooSmall, notPortrait
    /// A file: outside the web service's bounds, or not a JPEG, PNG or PDF.
    case fileTooSmall, fileTooLarge, unsupportedFormat, unreadable

    // The words are the kiosk's catalogs' (`document.problem.<case>`, with
    // `document.retake.<kind>`) and the phone page's (Central): here, the case.
}

/// The formats the web service takes (seed 000: « JPEG, JPG, PNG ou PDF »),
/// told by their first bytes, never by a name or a declared type.
public enum DocumentFormat: String, Hashable, Sendable, Codable, CaseIterable {
    case jpeg, png, pdf

    public var mediaType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .pdf: "application/pdf"
        }
    }

    public init?(mediaType: String) {
        guard let f = Self.allCases.first(where: { $0.mediaType == mediaType }) else { return nil }
        self = f
    }

    /// The format the magic bytes say, or nil.
    public static func sniff(_ bytes: [UInt8]) -> DocumentFormat? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        return nil
    }
}

public struct DocumentRules: Sendable {
    public let parameters: DocumentParameters
    public init(_ parameters: DocumentParameters = .standard) { self.parameters = parameters }

    /// Every problem of a scanned (and cropped) image, most useful first:
    /// the first is the one the assuré is told.
    public func problems(_ kind: DocumentKind, _ m: ImageMeasures) -> [DocumentProblem] {
        let p = parameters
        var out: [DocumentProblem] = []
        if m.meanLuminance < p.darkMeanBelow { out.append(.tooDark) }
        if m.meanLuminance > p.lightMeanAbove { out.append(.tooLight) }
        if m.luminanceStdDev < p.blankStdDevBelow { out.append(.blank) }
        let short = min(m.widthMM, m.heightMM), long = max(m.widthMM, m.heightMM)
        if short < p.minShortSideMM || long < p.minLongSideMM || min(m.widthPixels, m.heightPixels) < p.minShortSidePixels {
            out.append(.tooSmall)
        }
        if kind == .photo, Double(m.heightPixels) < Double(m.widthPixels) * p.photoMinPortraitRatio { out.append(.notPortrait) }
        return out
    }

    /// A file as it arrives: its format by its magic bytes, its size within bounds.
    public func check(file bytes: [UInt8]) -> Result<DocumentFormat, DocumentProblem> {
        guard let format = DocumentFormat.sniff(bytes) else { return .failure(.unsupportedFormat) }
        if bytes.count > parameters.maxBytes { return .failure(.fileTooLarge) }
        if bytes.count < parameters.minBytes { return .failure(.fileTooSmall) }
        return .success(format)
    }
}

/// Metadata out of a file before it is stored: EXIF (where a phone writes
/// the place, the time and the device), XMP, comments. The pixels are not
/// touched. A PDF is kept as it is (no PDF parser here).
public enum DocumentMetadata {
    /// The bytes without metadata, or nil when the structure is broken.
    public static func strip(_ bytes: [UInt8], format: DocumentFormat) -> [UInt8]? {
        switch format {
        case .jpeg: stripJPEG(bytes)
        case .png: stripPNG(bytes)
        case .pdf: bytes
        }
    }

    /// Keeps APP0 (JFIF) and APP14 (Adobe: how the colours are coded);
    /// drops APP1 (EXIF, XMP), the other APPn and comments. Everything
    /// from the start of scan on is copied as is.
    static func stripJPEG(_ b: [UInt8]) -> [UInt8]? {
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
        var out: [UInt8] = [0xFF, 0xD8]
        out.reserveCapacity(b.count)
        var i = 2
        while i < b.count {
            guard b[i] == 0xFF else { return nil }
            var j = i + 1
            while j < b.count, b[j] == 0xFF { j += 1 }  // fill bytes
            guard j < b.count else { return nil }
            let marker = b[j]
            if marker == 0xD9 { out += [0xFF, 0xD9]; return out }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { out += [0xFF, marker]; i = j + 1; continue }
            guard j + 2 < b.count else { return nil }
            let length = Int(b[j + 1]) << 8 | Int(b[j + 2])
            let end = j + 1 + length
            guard length >= 2, end <= b.count else { return nil }
            if marker == 0xDA { out += [0xFF]; out += b[j...]; return out }
            let drop = marker == 0xFE || ((0xE1...0xEF).contains(marker) && marker != 0xEE)
            if !drop { out += [0xFF]; out += b[j..<end] }
            i = end
        }
        return nil
    }

    /// Drops the text, time and EXIF chunks; keeps every chunk that draws.
    static func stripPNG(_ b: [UInt8]) -> [UInt8]? {
        guard b.count >= 8, DocumentFormat.sniff(b) == .png else { return nil }
        var out = Array(b[0..<8])
        var i = 8
        let dropped: Set<String> = ["eXIf", "tEXt", "zTXt", "iTXt", "tIME"]
        while i + 12 <= b.count {
            let length = Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
            let end = i + 12 + length
            guard length >= 0, end <= b.count else { return nil }
            let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
            if !dropped.contains(type) { out += b[i..<end] }
            i = end
            if type == "IEND" { return out }
        }
        return nil
    }

    /// The EXIF orientation (1–8) a camera wrote in a JPEG's APP1, read
    /// before the segment is dropped: phones store a portrait photo as a
    /// landscape picture plus this tag, so the kiosk needs it to turn the
    /// picture upright. Nil when there is none or it does not parse.
    public static func jpegOrientation(_ b: [UInt8]) -> Int? {
        guard b.starts(with: [0xFF, 0xD8]) else { return nil }
        var i = 2
        while i + 3 < b.count, b[i] == 0xFF {
            let marker = b[i + 1], length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            if marker == 0xDA || marker == 0xD9 || length < 2 || i + 2 + length > b.count { return nil }
            if marker == 0xE1, let o = exifOrientation(Array(b[(i + 4)..<(i + 2 + length)])) { return o }
            i += 2 + length
        }
        return nil
    }

    /// "Exif\0\0", a TIFF header (II or MM, 42, IFD0's offset), IFD0's tag 0x0112.
    static func exifOrientation(_ p: [UInt8]) -> Int? {
        guard p.starts(with: Array("Exif\0\0".utf8)), p.count >= 14 else { return nil }
        let t = Array(p[6...])
        let little: Bool
        switch (t[0], t[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ o: Int) -> Int? { o + 2 <= t.count ? (little ? Int(t[o]) | Int(t[o + 1]) << 8 : Int(t[o]) << 8 | Int(t[o + 1])) : nil }
        func u32(_ o: Int) -> Int? { guard let a = u16(o), let b = u16(o + 2) else { return nil }; return little ? a | b << 16 : a << 16 | b }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for k in 0..<count {
            let e = ifd + 2 + 12 * k
            guard let tag = u16(e) else { return nil }
            // SHORT (type 3), one value, in the first two bytes of the value field.
            if tag == 0x0112 {
                guard u16(e + 2) == 3, let v = u16(e + 8), (1...8).contains(v) else { return nil }
                return v
            }
        }
        return nil
    }

    /// True when a JPEG still holds an APP1 segment (EXIF or XMP) before its image data.
    public static func jpegHasAPP1(_ b: [UInt8]) -> Bool {
        guard b.starts(with: [0xFF, 0xD8]) else { return false }
        var i = 2
        while i + 3 < b.count, b[i] == 0xFF {
            let marker = b[i + 1]
            if marker == 0xE1 { return true }
            if marker == 0xDA || marker == 0xD9 { return false }
            i += 2 + (Int(b[i + 2]) << 8 | Int(b[i + 3]))
        }
        return false
    }
}
