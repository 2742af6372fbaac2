import Domain
import Foundation
import Testing

@Suite("Kiosk session")
struct SessionTests {
    let clock = TestClock(day: day(2026, 11, 23))
    static let identity = CardIdentity(profile: .bmsVit, serial: "25010000000001",
                                       foyer: try! Foyer([Demo.holder]), rights: .absent)

    /// Card inserted and read; the central store's count told.
    func atCode(triesLeft: Int?, locked: Bool = false, verdict: CardVerdict = .authentic) -> KioskSession {
        var s = KioskSession(now: clock.now)
        s.handle(.cardInserted, now: clock.now)
        s.handle(.cardRead(Self.identity, verdict), now: clock.now)
        s.handle(.codeStatus(triesLeft: triesLeft, locked: locked), now: clock.now)
        return s
    }

    func signedIn() -> KioskSession {
        var s = KioskSession(now: clock.now)
        s.handle(.cardInserted, now: clock.now)
        s.handle(.cardRead(Self.identity, .authentic), now: clock.now)
        s.handle(.codeStatus(triesLeft: 3, locked: false), now: clock.now)
        s.handle(.codeAccepted, now: clock.now)
        return s
    }

    @Test("attract → card inserted → identified → code entry → menu → flow → confirmation → menu")
    func happyPath() {
        var s = KioskSession(now: clock.now)
        #expect(s.state == .attract)
        s.handle(.cardInserted, now: clock.now)
        #expect(s.state == .readingCard)
        #expect(s.handle(.cardRead(Self.identity, .authentic), now: clock.now) == [.askCodeStatus])
        #expect(s.state == .readingCard, "the code screen waits for the central store's count")
        s.handle(.codeStatus(triesLeft: 3, locked: false), now: clock.now)
        #expect(s.state == .codeEntry(triesLeft: 3))
        #expect(s.identity == Self.identity)
        s.handle(.codeAccepted, now: clock.now)
        #expect(s.state == .menu)
        s.handle(.choose(.ceam), now: clock.now)
        #expect(s.state == .flow(.ceam))
        s.handle(.confirmed, now: clock.now)
        #expect(s.state == .confirmation(.ceam))
        s.handle(.back, now: clock.now)
        #expect(s.state == .menu)
    }

    @Test("card removed from any state: session ended and wiped, back to attract")
    func cardRemoved() {
        var s = signedIn()
        s.handle(.choose(.attestation), now: clock.now)
        let effects = s.handle(.cardRemoved, now: clock.now)
        #expect(effects == [.wipe])
        #expect(s.state == .attract)
        #expect(s.identity == nil)
        // From reading too.
        var r = KioskSession(now: clock.now)
        r.handle(.cardInserted, now: clock.now)
        #expect(r.handle(.cardRemoved, now: clock.now) == [.wipe])
        #expect(r.state == .attract)
    }

    @Test("a refused card is explained until removed and never reaches the code")
    func refused() {
        var s = KioskSession(now: clock.now)
        s.handle(.cardInserted, now: clock.now)
        s.handle(.cardRead(Self.identity, .forged(reason: "challenge")), now: clock.now)
        #expect(s.state == .cardRefused(.forged(reason: "challenge")))
        #expect(s.identity == nil)
        s.handle(.codeAccepted, now: clock.now)
        #expect(s.state == .cardRefused(.forged(reason: "challenge")), "a stray event changes nothing")
        s.handle(.cardRemoved, now: clock.now)
        #expect(s.state == .attract)
    }

    @Test("3 wrong codes lock; the code screen offers the provisional code")
    func codes() {
        var s = KioskSession(now: clock.now)
        s.handle(.cardInserted, now: clock.now)
        s.handle(.cardRead(Self.identity, .identified), now: clock.now)
        s.handle(.codeStatus(triesLeft: 3, locked: false), now: clock.now)
        s.handle(.codeRejected(triesLeft: 2), now: clock.now)
        #expect(s.state == .codeEntry(triesLeft: 2))
        s.handle(.forgotCode, now: clock.now)
        #expect(s.state == .flow(.provisionalCode))
        #expect(!s.isSignedIn)
        s.handle(.back, now: clock.now)
        #expect(s.state == .codeEntry(triesLeft: 2), "back from the provisional code returns to the code")
        s.handle(.codeRejected(triesLeft: 1), now: clock.now)
        s.handle(.codeRejected(triesLeft: 0), now: clock.now)
        #expect(s.state == .codeLocked)
        s.handle(.choose(.ceam), now: clock.now)
        #expect(s.state == .codeLocked)
    }

    @Test("no service before the code is accepted")
    func noServiceBeforeCode() {
        var s = KioskSession(now: clock.now)
        s.handle(.cardInserted, now: clock.now)
        s.handle(.cardRead(Self.identity, .authentic), now: clock.now)
        s.handle(.choose(.ceam), now: clock.now)
        #expect(s.state == .readingCard)
        s.handle(.codeStatus(triesLeft: 3, locked: false), now: clock.now)
        s.handle(.choose(.ceam), now: clock.now)
        #expect(s.state == .codeEntry(triesLeft: 3))
    }

    @Test("the code screen shows the central store's count: 1 try left after 2 wrong codes elsewhere")
    func codeStatusFromTheCentralStore() {
        var s = atCode(triesLeft: 1, locked: false)
        #expect(s.state == .codeEntry(triesLeft: 1))
        // Back from « Code oublié ? »: still that count.
        s.handle(.forgotCode, now: clock.now)
        s.handle(.back, now: clock.now)
        #expect(s.state == .codeEntry(triesLeft: 1))
    }

    @Test("a locked code goes straight to the locked screen; the SMS code is the way out")
    func lockedAtInsertion() {
        var s = atCode(triesLeft: 0, locked: true)
        #expect(s.state == .codeLocked)
        s.handle(.forgotCode, now: clock.now)
        #expect(s.state == .flow(.provisionalCode))
        s.handle(.back, now: clock.now)
        #expect(s.state == .codeLocked)
        s.handle(.forgotCode, now: clock.now)
        s.handle(.codeAccepted, now: clock.now)
        #expect(s.state == .menu)
    }

    @Test("the central store did not answer: the code screen says no count")
    func codeStatusUnknown() {
        var s = atCode(triesLeft: nil, locked: false)
        #expect(s.state == .codeEntry(triesLeft: nil))
        s.handle(.codeRejected(triesLeft: 2), now: clock.now)
        #expect(s.state == .codeEntry(triesLeft: 2))
        // A late answer for another card, or after the code screen, changes nothing.
        s.handle(.codeStatus(triesLeft: 0, locked: true), now: clock.now)
        #expect(s.state == .codeEntry(triesLeft: 2))
    }

    @Test("inactivity: warning 20 s before the end, the second before, the end")
    func inactivity() {
        var s = signedIn()
        clock.advance(seconds: 69)
        #expect(s.handle(.tick, now: clock.now).isEmpty)
        clock.advance(seconds: 1)
        #expect(s.handle(.tick, now: clock.now) == [.showInactivityWarning(secondsLeft: 20)])
        #expect(s.handle(.tick, now: clock.now).isEmpty, "shown once")
        clock.advance(seconds: 19.9)
        #expect(s.handle(.tick, now: clock.now).isEmpty)
        #expect(s.state == .menu)
        clock.advance(seconds: 0.1)
        #expect(s.handle(.tick, now: clock.now) == [.wipe])
        #expect(s.state == .ended(.inactivity))
        #expect(s.identity == nil)
    }

    @Test("one tap extends, at most 10 times")
    func extensions() {
        var s = signedIn()
        for n in 1...10 {
            clock.advance(seconds: 75)
            #expect(s.handle(.tick, now: clock.now) == [.showInactivityWarning(secondsLeft: 15)])
            #expect(s.handle(.extend, now: clock.now) == [.hideInactivityWarning])
            #expect(s.extensionsUsed == n)
        }
        clock.advance(seconds: 75)
        s.handle(.tick, now: clock.now)
        #expect(!s.canExtend)
        #expect(s.handle(.extend, now: clock.now).isEmpty)
        clock.advance(seconds: 15)
        #expect(s.handle(.tick, now: clock.now) == [.wipe])
        #expect(s.state == .ended(.inactivity))
    }

    @Test("\"Terminer\" ends the session; removing the card returns to attract")
    func finish() {
        var s = signedIn()
        #expect(s.handle(.finish, now: clock.now) == [.wipe])
        #expect(s.state == .ended(.finished))
        #expect(s.identity == nil)
        s.handle(.cardRemoved, now: clock.now)
        #expect(s.state == .attract)
    }

    @Test("a fault ends the session safely")
    func fault() {
        var s = signedIn()
        #expect(s.handle(.fault, now: clock.now) == [.wipe])
        #expect(s.state == .ended(.fault))
    }

    @Test("no inactivity timer while no one is there")
    func attractHasNoTimer() {
        var s = KioskSession(now: clock.now)
        clock.advance(days: 1)
        #expect(s.handle(.tick, now: clock.now).isEmpty)
        #expect(s.state == .attract)
        #expect(s.deadline == nil)
    }
}
