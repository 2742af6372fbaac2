import CardProfile
import CardReader

/// The virtual card's applet as a `CardChannel`, in process: drivers and the
/// transport run against the real card logic without pcscd (fast checks of
/// many card contents). The PC/SC path is covered through pcscd.
public struct AppletChannel: CardChannel {
    public let applet: CardApplet
    public init(applet: CardApplet) {
        self.applet = applet
        applet.control(0x01)
    }

    public func transmit(_ command: [UInt8]) async throws(CardTransportError) -> [UInt8] {
        switch applet.process(command) {
        case .respond(let bytes): return bytes
        case .pull: throw .cardRemoved
        case .silence: throw .timeout(milliseconds: 0)
        }
    }
}

extension PCSCDaemon {
    /// Inserts a virtual card into this daemon's vpcd reader.
    public func insert(_ spec: CardSpec) throws -> VirtualCardConnection {
        let connection = VirtualCardConnection(applet: try CardApplet(spec: spec), port: port)
        try connection.insert()
        return connection
    }
}
