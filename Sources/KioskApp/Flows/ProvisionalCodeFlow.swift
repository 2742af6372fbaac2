import CentralAPI
import Domain
import Foundation
import KioskUI

/// "Recevoir un code provisoire par SMS" (seed 001: 4 digits, valid 48 h),
/// from the menu or from "Code oublié ?" before sign-in. After the SMS,
/// before sign-in, the new code is typed on the keypad to go on: locked or
/// not, it stands in for the code personnel once (the way out of a lock).
enum ProvisionalCodeMachine: ServiceMachine {
    struct State: Equatable {
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
        /// What the last check of a typed code said.
        enum CodeError: Equatable { case wrong(triesLeft: Int), locked, unavailable }

        var step = Step.loading
        /// Digits of the new code typed after the SMS (never shown: dots).
        var typed = ""
        var codeError: CodeError?
        var checking = false
    }

    enum Event: MachineEvent {
        case send, retry, digit(Int), erase, ok
        /// Answers.
        case looked(masked: String?, reachable: Bool)
        case sent(ProvisionalCodeOutcome)
        case checked(CodeAttempts.Outcome?)

        var widgetID: String? {
            switch self {
            case .send: "sms.send"
            case .retry: "sms.retry"
            case .digit(let d): "keypad.\(d)"
            case .erase: "keypad.erase"
            case .ok: "keypad.ok"
            case .looked, .sent, .checked: nil
            }
        }
    }

    enum Effect: Equatable {
        case lookUpMobile
        case sendSMS
        case check(String)
    }

    static let service = KioskService.provisionalCode
    static let steps = ["sms.step.send", "sms.step.type"]
    static func step(_ s: State) -> Int {
        if case .sent = s.step { return 1 }
        return 0
    }

    static func isWaiting(_ s: State) -> Bool { s.step == .loading || s.step == .sending || s.checking }

    static func start(_ context: FlowContext) -> Transition<State, Effect> {
        Transition(state: State(), effects: [.lookUpMobile])
    }

    static func reduce(_ s: State, _ event: Event, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s
        let length = context.rules.codes.provisionalCodeDigits
        switch event {
        case .looked(let masked, let reachable):
            guard s.step == .loading else { break }
            s.step = !reachable ? .unavailable : masked.map { .confirm(masked: $0) } ?? .noMobile
        case .send, .retry:
            switch s.step {
            case .confirm, .smsFailed, .unavailable:
                s.step = .sending
                return Transition(state: s, effects: [.sendSMS])
            default: break // already asked: one SMS per tap
            }
        case .sent(let outcome):
            guard s.step == .sending else { break }
            s.step = step(for: outcome)
        case .digit(let d):
            guard case .sent = s.step, !context.isSignedIn, s.typed.count < length, (0...9).contains(d) else { break }
            s.typed.append(String(d))
        case .erase:
            if !s.typed.isEmpty { s.typed.removeLast() }
        case .ok:
            guard case .sent = s.step, !context.isSignedIn, s.typed.count == length, !s.checking else { break }
            let code = s.typed
            s.typed = ""
            s.checking = true
            return Transition(state: s, effects: [.check(code)])
        case .checked(let outcome):
            s.checking = false
            switch outcome {
            case .accepted?:
                s.codeError = nil
                return Transition(state: s, move: .signIn)
            case .rejected(let left)?: s.codeError = .wrong(triesLeft: left)
            case .locked?: s.codeError = .locked
            case nil: s.codeError = .unavailable
            }
        }
        return Transition(state: s)
    }

    static func step(for outcome: ProvisionalCodeOutcome) -> State.Step {
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

    static func run(_ effect: Effect, _ environment: EffectEnvironment) async -> Event? {
        guard let card = environment.card else { return nil }
        switch effect {
        case .lookUpMobile:
            let foyer = try? await environment.services.foyer(card: card)
            return .looked(masked: foyer?.maskedMobile, reachable: foyer != nil)
        case .sendSMS:
            return .sent(await environment.services.requestProvisionalCode(card: card))
        case .check(let code):
            return .checked(try? await environment.services.checkCode(code, card: card))
        }
    }

    static func screen(_ s: State, _ context: FlowContext, _ taps: TapTable<Event>) -> ScreenModel {
        let t = context.catalog
        let title = t["service.provisionalCode"]
        let footer = [FlowText.finish(t), FlowText.back(t)]
        func message(_ id: String, _ banner: Banner?, _ lines: [String], button: Button? = nil) -> ScreenModel {
            var nodes: [Node] = lines.enumerated().map { i, s in .text(Text(s, id: "sms.\(id).\(i)")) }
            if let button { nodes.append(.button(button)) }
            nodes.append(.flexible)
            return ScreenModel(id: "flow.provisionalCode", title: title, banner: banner, body: .vstack(nodes, spacing: .group),
                               footer: footer, focusID: button?.id)
        }
        switch s.step {
        case .loading:
            return ScreenModel(id: "flow.provisionalCode", title: title, body: context.wait("sms.wait", t["sms.loading"]), footer: footer)
        case .sending:
            return ScreenModel(id: "flow.provisionalCode", title: title, body: context.wait("sms.wait", t["sms.sending"]), footer: footer)
        case .confirm(let masked):
            // Irreversible (an SMS sent, one of the few allowed): what, to
            // whom, what follows, before « Envoyer ».
            let digits = String(context.rules.codes.provisionalCodeDigits)
            return ScreenModel(id: "flow.provisionalCode", title: title, body: .vstack([
                .text(Text(t.text("summary.what", ["value": t.text("summary.what.sms", ["n": digits])]), id: "summary.what")),
                // The label, the number and what to do if it is not theirs: one block, never split over two pages.
                .vstack([
                    .text(Text(t["sms.to"], style: .small, muted: true, id: "sms.to")),
                    .text(Text(masked, style: .display, alignment: .center, id: "summary.who")),
                    .text(Text(t["sms.notYours"], style: .small, muted: true, id: "sms.notYours")),
                ], spacing: .related),
                .text(Text(t.text("summary.consequence", ["value": t.text("summary.consequence.sms", [
                    "max": String(context.rules.codes.maxProvisionalRequests), "hours": String(context.rules.codes.provisionalRequestWindowHours),
                ])]), id: "summary.consequence")),
                .flexible,
                .button(Button(id: taps.id(.send), label: t["sms.send"], style: .primary)),
            ], spacing: .block), footer: footer, focusID: Event.send.widgetID)
        case .noMobile:
            return message("noMobile", Banner(kind: .error, text: t["sms.noMobile"]), [t["sms.noMobile.what"]])
        case .tooMany(let next):
            let line = next.map { t.text("sms.tooMany.after", ["when": FlowText.dateTime($0, t)]) } ?? t["sms.tooMany.later"]
            return message("tooMany", Banner(kind: .error, text: t.text("sms.tooMany", ["n": String(context.rules.codes.maxProvisionalRequests),
                                                                                        "hours": String(context.rules.codes.provisionalRequestWindowHours)])),
                           [line, t["sms.tooMany.what"]])
        case .smsFailed:
            return message("smsFailed", Banner(kind: .error, text: t["sms.failed"]), [t["sms.failed.what"]],
                           button: Button(id: taps.id(.retry), label: t["sms.retry"], style: .primary))
        case .unavailable:
            return message("unavailable", Banner(kind: .error, text: t["sms.unavailable"]), [t["sms.unavailable.what"]],
                           button: Button(id: taps.id(.retry), label: t["sms.retry"], style: .primary))
        case .sent(let masked, let until):
            // A number is never cut across two lines.
            let sentTo = masked.map { t.text("sms.sent", ["mobile": $0.replacingOccurrences(of: " ", with: "\u{00A0}")]) } ?? t["sms.sent.noNumber"]
            let valid = until.map { t.text("sms.validUntil", ["when": FlowText.dateTime($0, t)]) } ?? t["sms.valid48"]
            if context.isSignedIn {
                return message("sent", Banner(kind: .info, text: sentTo), [valid, t["sms.sent.use"]])
            }
            let error: String? = s.codeError.map {
                switch $0 {
                case .wrong(let left): t.text(left == 1 ? "sms.code.wrong.one" : "sms.code.wrong", ["n": String(left)])
                case .locked: t["sms.code.locked"]
                case .unavailable: t["code.unavailable"]
                }
            }
            let length = context.rules.codes.provisionalCodeDigits
            // The keypad's keys are the machine's events.
            for d in 0...9 { _ = taps.id(.digit(d)) }
            _ = taps.id(.erase)
            _ = taps.id(.ok)
            // The error is in the banner: under the field, only what to do.
            let field = Node.vstack([
                .text(Text(valid, id: "sms.valid")),
                .text(Text(t["sms.code.prompt"], style: .small, muted: error == nil, id: "sms.code.prompt")),
                .codeField(CodeField(id: "sms.code.field", length: length, entered: s.typed.count,
                                     speech: t.text("code.entered", ["n": String(s.typed.count), "total": String(length)]))),
                .flexible,
            ], spacing: .block)
            let pad = Node.keypad(Keypad(id: "keypad", eraseLabel: t["keypad.erase"], okLabel: t["keypad.ok"],
                                         okEnabled: s.typed.count == length && !s.checking, digitSpeech: t["keypad.digit"]))
            return ScreenModel(id: "flow.provisionalCode", title: t["sms.code.title"],
                               banner: error.map { Banner(kind: .error, text: $0) } ?? Banner(kind: .info, text: sentTo),
                               body: .adaptive([field, pad], minChildWidthMM: 110, spacing: .halves), footer: footer,
                               focusID: s.typed.count == length ? Event.ok.widgetID : nil)
        }
    }
}
