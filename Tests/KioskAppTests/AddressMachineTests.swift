import CentralAPI
import Domain
import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp
@testable import KioskUI

/// « Changer d'adresse » as a machine: a field at a time, Domain's word on
/// each, a summary, one request per confirmation (a retry sends the same).
@Suite @MainActor struct AddressMachineTests {
    typealias M = AddressMachine
    static let npaiCard = assets.appendingPathComponent("demo/cards/ceam-npai.json").path

    func atPostalCode() async throws -> (FlowKiosk, FlowContext, M.State) {
        let k = try await FlowKiosk()
        try await k.signIn(Self.npaiCard)
        let context = FlowContext(k.c)
        let foyer = try await k.services.foyer(card: try #require(k.c.session.identity))
        var s = M.reduce(M.start(context).state, .loaded(foyer, waiting: false), context).state
        #expect(s.step == .onFile)
        s = M.reduce(s, .change, context).state
        #expect(s.step == .field(.postalCode))
        return (k, context, s)
    }

    func type(_ s: M.State, _ text: String, _ context: FlowContext) -> M.State {
        text.reduce(s) { s, c in
            if let d = c.wholeNumberValue { return M.reduce(s, .digit(d), context).state }
            return M.reduce(s, c == " " ? .space : .key(c), context).state
        }
    }

    @Test func eachFieldIsCheckedByDomainBeforeTheNext() async throws {
        let (_, context, start) = try await atPostalCode()
        var s = M.reduce(type(start, "99999", context), .ok, context).state
        #expect(s.step == .field(.postalCode) && s.problem?.field == .postalCode)
        s = M.reduce(type(start, "690031", context), .ok, context).state
        #expect(s.draft.postalCode == "69003", "five digits, no more")
        #expect(s.step == .field(.commune))
        #expect(M.reduce(s, .ok, context).state.problem == .communeMissing)
        s = M.reduce(type(s, "lyon", context), .ok, context).state
        #expect(s.draft.commune == "LYON" && s.step == .field(.number))
        // No number (a lieu-dit), no complement: both skipped.
        s = M.reduce(s, .skip, context).state
        s = M.reduce(type(M.reduce(s, .shift, context).state, "la garn", context), .ok, context).state
        s = M.reduce(s, .skip, context).state
        #expect(s.step == .summary)
        #expect(s.draft.address == PostalAddress(street: "la garn", postalCode: "69003", commune: "LYON"))
    }

    @Test func oneConfirmationIsOneRequestAndARetrySendsTheSameOne() async throws {
        let (_, context, start) = try await atPostalCode()
        var s = M.reduce(type(start, "75019", context), .ok, context).state
        s = M.reduce(type(s, "paris", context), .ok, context).state
        s = M.reduce(type(s, "12", context), .indice("bis"), context).state
        s = M.reduce(s, .ok, context).state
        s = M.reduce(type(s, "rue des lilas", context), .ok, context).state
        s = M.reduce(s, .skip, context).state
        let sent = M.reduce(s, .confirm, context)
        guard case .submit(let command)? = sent.effects.first, sent.effects.count == 1,
              case .addressChange(let a) = command.action else { Issue.record("\(sent.effects)"); return }
        #expect(a.number == "12 bis" && a.street == "RUE DES LILAS" && a.postalCode == "75019" && a.commune == "PARIS")
        #expect(M.reduce(sent.state, .confirm, context).effects.isEmpty, "a second tap sends nothing")
        let away = M.reduce(sent.state, .submitted(command, nil), context).state
        #expect(away.step == .unavailable)
        #expect(M.reduce(away, .retry, context).effects == [.submit(command)])
    }

    @Test func aChangeWaitingInTheOutboxIsNotOfferedAgain() async throws {
        let k = try await FlowKiosk()
        try await k.signIn(Self.npaiCard)
        let context = FlowContext(k.c)
        let foyer = try await k.services.foyer(card: try #require(k.c.session.identity))
        let s = M.reduce(M.start(context).state, .loaded(foyer, waiting: true), context).state
        #expect(M.reduce(s, .change, context).state.step == .onFile)
        #expect(!M.screen(s, context, TapTable()).footer.contains { $0.id == "address.change" })
    }
}
