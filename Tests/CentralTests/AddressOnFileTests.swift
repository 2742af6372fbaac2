import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import Testing

/// The postal address on file: stored with the foyer (migration 3), NULL
/// for rows written before, served masked with the NPAI state; the demo
/// seed's addresses are checked as a typed one would be.
@Suite("Address on file, on SQLite and PostgreSQL")
struct AddressOnFileTests {
    static let jeanAddress = PostalAddress(number: "12", street: "rue des Lilas", complement: "Bâtiment B", postalCode: "75019", commune: "PARIS")

    @Test(arguments: Engine.selected)
    func theAddressIsKeptWithTheFoyerAndOlderRowsHaveNone(engine: Engine) async throws {
        let service = try await makeService(engine)
        let store = service.store
        #expect(try await store.loadFoyer(serial: holderSerial)?.address == Self.jeanAddress)
        #expect(try await store.loadFoyer(serial: sophieSerial)?.address?.postalCode == "20000")
        // Any change to the file keeps it; a move replaces it.
        _ = try await store.updateFoyer(serial: holderSerial) { f in f.codes.failures += 1 }
        #expect(try await store.loadFoyer(serial: holderSerial)?.address == Self.jeanAddress)
        let moved = PostalAddress(number: "4", street: "quai de la Fosse", postalCode: "44000", commune: "NANTES")
        _ = try await store.updateFoyer(serial: holderSerial) { f in f.address = moved }
        #expect(try await store.loadFoyer(serial: holderSerial)?.address == moved)
        // A row written before migration 3 has no address_json: no address on file.
        let sql = try #require(store as? SQLCentralStore)
        try await sql.database.transaction { c in try c.query("UPDATE assures SET address_json = NULL") }
        let old = try #require(try await store.loadFoyer(serial: holderSerial))
        #expect(old.address == nil)
        #expect(old.persons.count == 4 && old.mobile != nil)
        // Written again, it stays without one.
        _ = try await store.updateFoyer(serial: holderSerial) { f in f.codes.failures = 0 }
        #expect(try await store.loadFoyer(serial: holderSerial)?.address == nil)
        try await store.close()
    }

    @Test(arguments: Engine.selected)
    func theFoyerAnswerHasTheAddressMaskedAndTheNPAIState(engine: Engine) async throws {
        let service = try await makeService(engine)
        let foyer = try await service.foyer(serial: holderSerial, kiosk: "k1")
        #expect(foyer.address == MaskedPostalAddress(street: "1• rue des L•••", complement: "Bâtiment B", postalCode: "75019", commune: "PARIS"))
        #expect(foyer.npai == false)
        // Nothing of the address whole goes over the wire.
        let json = String(decoding: try CentralJSON.encoder().encode(foyer), as: UTF8.self)
        #expect(!json.contains("Lilas") && !json.contains("\"12 "))
        // Mail came back: the answer says so, and each person's actions say what it blocks.
        _ = try await service.store.updateFoyer(serial: holderSerial) { f in f.situation.npai = true }
        let npai = try await service.foyer(serial: holderSerial, kiosk: "k1")
        #expect(npai.npai == true)
        #expect(npai.address == foyer.address)
        #expect(npai.persons[1].ceamActions.first { $0.action == .order }?.exclusion == .npai)
        #expect(npai.persons[0].vitaleActions.first { $0.action == .order }?.exclusion == .npai)
        // No address on file: none in the answer.
        _ = try await service.store.updateFoyer(serial: holderSerial) { f in f.address = nil }
        #expect(try await service.foyer(serial: holderSerial, kiosk: "k1").address == nil)
        try await service.store.close()
    }

    @Test func aDemoSeedAddressThatDoesNotExistStopsTheLoadSayingWhy() throws {
        var seed = try DemoSeed.load(from: demoSeedURL)
        seed.assures[0].address?.postalCode = "96100"
        #expect(throws: DemoSeed.Problem.self) { try seed.foyers(hasher: .fastForTests) }
        do { _ = try seed.foyers(hasher: .fastForTests) } catch {
            #expect("\(error)" == "demo seed: address: no département has postal codes starting 96")
        }
        seed.assures[0].address = nil
        #expect(try seed.foyers(hasher: .fastForTests)[0].address == nil)
    }

    /// Old kiosks ignore the new fields; new kiosks read an older central
    /// store's answer (no address, no NPAI state) as « not said ».
    @Test func theFoyerAnswerStaysReadableBothWays() throws {
        let older = """
            {"serial":"25010000000001","today":"2026-11-23","persons":[],"maskedMobile":"06 •• •• •• 34","codeTriesLeft":3,"codeLocked":false}
            """
        let read = try CentralJSON.decoder().decode(FoyerResponse.self, from: Data(older.utf8))
        #expect(read.address == nil && read.npai == nil)
        // Nothing said is nothing sent: the answer without them has the older shape.
        let none = String(decoding: try CentralJSON.encoder().encode(read), as: UTF8.self)
        #expect(!none.contains("address") && !none.contains("npai"))
        // What an older kiosk decodes: the same type without the new fields.
        struct OlderFoyerResponse: Decodable { var serial: String; var maskedMobile: String?; var codeTriesLeft: Int; var codeLocked: Bool }
        var newer = read
        newer.address = MaskedPostalAddress(street: "1• rue des L•••", complement: nil, postalCode: "75019", commune: "PARIS")
        newer.npai = true
        let old = try CentralJSON.decoder().decode(OlderFoyerResponse.self, from: try CentralJSON.encoder().encode(newer))
        #expect(old.serial == "25010000000001" && old.codeTriesLeft == 3)
    }

    /// The OpenAPI document lists every field of the foyer answer and of the
    /// masked address (schemathesis checks the answers against it).
    @Test func theOpenAPIDocumentDescribesTheAddress() throws {
        let url = demoSeedURL.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/central-openapi.yaml")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        /// The property names of a schema: the keys indented under its `properties:`.
        func properties(_ schema: String) throws -> Set<String> {
            let start = try #require(lines.firstIndex { $0 == "    \(schema):" }, "no \(schema) schema")
            let props = try #require(lines[start...].firstIndex { $0.trimmingCharacters(in: .whitespaces) == "properties:" })
            var names: Set<String> = []
            for line in lines[(props + 1)...] {
                guard line.hasPrefix("        "), !line.hasPrefix("         ") else {
                    if line.hasPrefix("         ") { continue }
                    break
                }
                names.insert(String(line.dropFirst(8).prefix { $0 != ":" }))
            }
            return names
        }
        let foyer = FoyerResponse(serial: "25010000000001", today: demoDay, persons: [], maskedMobile: "06 •• •• •• 34", codeTriesLeft: 3,
                                  codeLocked: false, address: Self.jeanAddress.masked, npai: false)
        func keys(_ value: some Encodable) throws -> Set<String> {
            let object = try JSONSerialization.jsonObject(with: try CentralJSON.encoder().encode(value)) as? [String: Any]
            return Set(try #require(object).keys)
        }
        #expect(try keys(foyer).subtracting(try properties("FoyerResponse")) == [])
        #expect(try keys(Self.jeanAddress.masked) == (try properties("MaskedPostalAddress")))
    }
}
