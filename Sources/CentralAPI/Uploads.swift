import Domain
import Foundation

/// `POST /v1/uploads`: a one-time address where the assuré's phone sends
/// one document for this kiosk session (issue 13, « le téléphone de l'assuré »).
public struct UploadSlotRequest: Codable, Sendable, Hashable {
    /// The kiosk's session: the document goes with it and nowhere else.
    public var session: UUID
    /// What the phone's page asks for.
    public var kind: DocumentKind

    public init(session: UUID, kind: DocumentKind) {
        self.session = session
        self.kind = kind
    }
}

public struct UploadSlotResponse: Codable, Sendable, Hashable {
    /// What the kiosk polls (never the token: the token is the phone's).
    public var id: UUID
    /// The address the QR code shows; valid until `expiresAt`, for one file.
    public var url: String
    public var expiresAt: Date

    public init(id: UUID, url: String, expiresAt: Date) {
        self.id = id
        self.url = url
        self.expiresAt = expiresAt
    }
}

public enum UploadState: String, Codable, Sendable, Hashable {
    /// The address is open: nothing has arrived yet.
    case waiting
    /// A file arrived: `GET /v1/uploads/{id}/document` takes it.
    case received
    /// Ten minutes went by with nothing sent: ask for a new address.
    case expired
    /// The kiosk took the file; the central store no longer has it.
    case taken
    /// The kiosk closed the address before anything arrived (card pulled): none can arrive now.
    case closed
}

public struct UploadStateResponse: Codable, Sendable, Hashable {
    public var id: UUID
    public var state: UploadState
    /// When received: `image/jpeg`, `image/png` or `application/pdf`, as its bytes say.
    public var mediaType: String?
    public var byteCount: Int?
    /// The EXIF orientation (1–8) the phone wrote: the file no longer
    /// carries it, the kiosk turns the picture upright with it.
    public var orientation: Int?

    public init(id: UUID, state: UploadState, mediaType: String? = nil, byteCount: Int? = nil, orientation: Int? = nil) {
        self.id = id
        self.state = state
        self.mediaType = mediaType
        self.byteCount = byteCount
        self.orientation = orientation
    }
}
