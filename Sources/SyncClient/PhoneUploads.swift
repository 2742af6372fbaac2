import CentralAPI
import Domain
import Foundation

/// The assuré's phone as a way in for a document: the kiosk asks for a
/// one-time address (shown as a QR code), polls it, and takes the file.
extension CentralClient {
    public func openUpload(session: UUID, kind: DocumentKind) async throws(CentralClientError) -> UploadSlotResponse {
        try await call("POST", "/v1/uploads", body: try encode(UploadSlotRequest(session: session, kind: kind)), as: UploadSlotResponse.self)
    }

    public func uploadState(id: UUID) async throws(CentralClientError) -> UploadStateResponse {
        try await call("GET", "/v1/uploads/\(id.uuidString)", as: UploadStateResponse.self)
    }

    /// Closes the address (card pulled, order abandoned): what arrived is
    /// dropped by the central store, nothing more can arrive.
    public func closeUpload(id: UUID) async throws(CentralClientError) {
        _ = try await bytes("DELETE", "/v1/uploads/\(id.uuidString)")
    }

    /// The file, once: the central store keeps no copy after this answer.
    public func takeUpload(id: UUID) async throws(CentralClientError) -> (format: DocumentFormat, bytes: Data) {
        let (data, contentType) = try await bytes("GET", "/v1/uploads/\(id.uuidString)/document",
                                                  limit: DocumentParameters.standard.maxBytes + 1)
        // The bytes decide, not the header: the header must agree.
        guard let format = DocumentFormat.sniff(Array(data.prefix(8))), contentType == format.mediaType else {
            throw .badAnswer("the document's bytes are not the \(contentType ?? "unnamed") type announced")
        }
        return (format, data)
    }

    /// The kiosk's scanner's document at the kiosk's own open address (the
    /// phone's way and the scanner's both end with an upload the order names).
    public func putUpload(id: UUID, document: Data) async throws(CentralClientError) -> UploadStateResponse {
        try await call("PUT", "/v1/uploads/\(id.uuidString)/document", body: document, as: UploadStateResponse.self)
    }

    /// « Suivre ma commande de carte Vitale »: the foyer's orders, newest first.
    public func vitaleOrders(serial: String) async throws(CentralClientError) -> VitaleOrdersResponse {
        try await call("GET", "/v1/cards/\(serial)/vitale-orders", as: VitaleOrdersResponse.self)
    }
}
