import CentralAPI
import Domain
import Foundation
import KioskUI

/// "Recevoir un code provisoire par SMS" (seed 001: 4 digits, valid 48 h),
/// from the menu or from "Code oublié ?" before sign-in. After the SMS,
/// before sign-in, the new code is typed on the keypad to go on.
@MainActor
final class ProvisionalCodeFlow: Flow {
    enum Step: Equatable {
        case loading
        /// The mobile on file, masked (`06 •• •• •• 34`).
        case confirm(masked: String)
        case sending
        case sent(masked: String?, validUntil: Date?)
        case noMobile
        case tooMany(nextAllowedAt: Date?)
        case smsFailed
        case unavailable
    }

    let service = KioskService.provisionalCode
    /// Settable in this module: tests draw every step.
    var step = Step.loading
    /// Digits of the new code typed after the SMS (never shown: dots).
    private(set) var typed = ""
    private(set) var codeError: String?
    private(set) var checking = false

    var isWaiting: Bool { step == .loading || step == .sending || checking }

    func start(_ c: KioskController) {
        guard let card = c.session.identity else { step = .unavailable; return }
        c.background { [weak self] in
            let foyer = try? await c.services.foyer(card: card)
            guard let self, c.isCurrent(self), self.step == .loading else { return }
            self.step = foyer.map { f in f.maskedMobile.map { .confirm(masked: $0) } ?? .noMobile } ?? .unavailable
        }
    }

    func tap(_ id: String, _ c: KioskController) async -> Bool {
        switch id {
        case "sms.send", "sms.retry":
            guard let card = c.session.identity else { return true }
            switch step {
            case .confirm, .smsFailed, .unavailable: break
            default: return true // already asked: one SMS per tap
            }
            step = .sending
            c.background { [weak self] in
                let outcome = await c.services.requestProvisionalCode(card: card)
                guard let self, c.isCurrent(self) else { return }
                self.step = Self.step(for: outcome)
            }
            return true
        case _ where id.hasPrefix("keypad."):
            // Locked or not: the provisional code is the way out of a locked code personnel.
            guard case .sent = step, !c.session.isSignedIn else { return true }
            await keypad(String(id.dropFirst("keypad.".count)), c)
            return true
        default:
            return false
        }
    }

    static func step(for outcome: ProvisionalCodeOutcome) -> Step {
        switch outcome {
        case .unavailable: return .unavailable
        case .answered(let r):
            switch r.status {
            case .sent: return .sent(masked: r.maskedMobile, validUntil: r.validUntil)
            case .noMobileOnFile: return .noMobile
            case .tooManyRequests: return .tooMany(nextAllowedAt: r.nextAllowedAt)
            case .smsFailed: return .smsFailed
            }
        }
    }

    private func keypad(_ key: String, _ c: KioskController) async {
        let length = c.codeLength
        switch key {
        case "erase": if !typed.isEmpty { typed.removeLast() }
        case "ok":
            guard typed.count == length, !checking, let card = c.session.identity else { return }
            let code = typed
            typed = ""
            checking = true
            defer { checking = false }
            do {
                switch try await c.services.checkCode(code, card: card) {
                case .accepted:
                    guard c.isCurrent(self) else { return }
                    codeError = nil
                    await c.signIn(card: card)
                case .rejected(let left):
                    codeError = c.catalog.text(left == 1 ? "sms.code.wrong.one" : "sms.code.wrong", ["n": String(left)])
                case .locked:
                    codeError = c.catalog["sms.code.locked"]
                }
            } catch {
                codeError = c.catalog["code.unavailable"]
            }
        default:
            if key.count == 1, let ch = key.first, ch.isASCII, ch.isNumber, typed.count < length { typed.append(key) }
        }
    }

    func screen(_ c: KioskController) -> ScreenModel {
        let t = c.catalog
        let title = t["service.provisionalCode"]
        let footer = [FlowText.finish(t), FlowText.back(t)]
        func message(_ id: String, _ banner: Banner?, _ lines: [String], button: Button? = nil) -> ScreenModel {
            var nodes: [Node] = lines.enumerated().map { i, s in .text(Text(s, id: "sms.\(id).\(i)")) }
            if let button { nodes.append(.button(button)) }
            nodes.append(.flexible)
            return ScreenModel(id: "flow.provisionalCode", title: title, banner: banner, body: .vstack(nodes, spacingMM: 6),
                               footer: footer, focusID: button?.id)
        }
        switch step {
        case .loading:
            return ScreenModel(id: "flow.provisionalCode", title: title, body: FlowText.wait("sms.wait", t["sms.loading"], c), footer: footer)
        case .sending:
            return ScreenModel(id: "flow.provisionalCode", title: title, body: FlowText.wait("sms.wait", t["sms.sending"], c), footer: footer)
        case .confirm(let masked):
            return ScreenModel(id: "flow.provisionalCode", title: title, body: .vstack([
                .text(Text(t["sms.about"], id: "sms.about")),
                .text(Text(t["sms.to"], style: .small, muted: true, id: "sms.to")),
                .text(Text(masked, style: .display, alignment: .center, id: "sms.mobile")),
                .text(Text(t["sms.notYours"], style: .small, muted: true, id: "sms.notYours")),
                .flexible,
                .button(Button(id: "sms.send", label: t["sms.send"], style: .primary)),
            ], spacingMM: 5), footer: footer, focusID: "sms.send")
        case .noMobile:
            return message("noMobile", Banner(kind: .error, text: t["sms.noMobile"]), [t["sms.noMobile.what"]])
        case .tooMany(let next):
            let line = next.map { t.text("sms.tooMany.after", ["when": FlowText.dateTime($0, t)]) } ?? t["sms.tooMany.later"]
            return message("tooMany", Banner(kind: .error, text: t.text("sms.tooMany", ["n": String(c.rules.codes.maxProvisionalRequests),
                                                                                        "hours": String(c.rules.codes.provisionalRequestWindowHours)])),
                           [line, t["sms.tooMany.what"]])
        case .smsFailed:
            return message("smsFailed", Banner(kind: .error, text: t["sms.failed"]), [t["sms.failed.what"]],
                           button: Button(id: "sms.retry", label: t["sms.retry"], style: .primary))
        case .unavailable:
            return message("unavailable", Banner(kind: .error, text: t["sms.unavailable"]), [t["sms.unavailable.what"]],
                           button: Button(id: "sms.retry", label: t["sms.retry"], style: .primary))
        case .sent(let masked, let until):
            let sentTo = masked.map { t.text("sms.sent", ["mobile": $0]) } ?? t["sms.sent.noNumber"]
            let valid = until.map { t.text("sms.validUntil", ["when": FlowText.dateTime($0, t)]) } ?? t["sms.valid48"]
            if c.session.isSignedIn {
                return message("sent", Banner(kind: .info, text: sentTo), [valid, t["sms.sent.use"]])
            }
            // The error is in the banner: under the field, only what to do.
            let field = Node.vstack([
                .text(Text(valid, id: "sms.valid")),
                .text(Text(t["sms.code.prompt"], style: .small, muted: codeError == nil, id: "sms.code.prompt")),
                .codeField(CodeField(id: "sms.code.field", length: c.codeLength, entered: typed.count,
                                     speech: t.text("code.entered", ["n": String(typed.count), "total": String(c.codeLength)]))),
                .flexible,
            ], spacingMM: 5)
            let pad = Node.keypad(Keypad(id: "keypad", eraseLabel: t["keypad.erase"], okLabel: t["keypad.ok"],
                                         okEnabled: typed.count == c.codeLength && !checking, digitSpeech: t["keypad.digit"]))
            return ScreenModel(id: "flow.provisionalCode", title: t["sms.code.title"],
                               banner: codeError.map { Banner(kind: .error, text: $0) } ?? Banner(kind: .info, text: sentTo),
                               body: .adaptive([field, pad], minChildWidthMM: 110, spacingMM: 10), footer: footer,
                               focusID: typed.count == c.codeLength ? "keypad.ok" : nil)
        }
    }
}
