import Foundation
import Testing
@testable import KioskUI

/// Issue 12: a third language written right to left (Arabic), so the
/// layout is proven direction-independent: mixed lines cut into runs in
/// order, Arabic shaped by HarfBuzz through SDL_ttf in the measurer and the
/// backend alike, the display list mirrored with its exceptions.
@Suite struct BidiTests {
    @Test func aFrenchOrEnglishLineIsOneRunAsBefore() {
        #expect(Bidi.visualRuns("Total payé : 23,50 €", base: .leftToRight) == [DirectionalRun("Total payé : 23,50 €", .leftToRight)])
        #expect(Bidi.visualRuns("", base: .rightToLeft) == [])
        // Latin alone in an Arabic screen: one left-to-right run too (a name, an address).
        #expect(Bidi.visualRuns("75019 PARIS", base: .rightToLeft) == [DirectionalRun("75019 PARIS", .leftToRight)])
    }

    @Test func phoneNumbersAndAmountsKeepTheirOrderInAnArabicSentence() {
        let runs = Bidi.visualRuns("بالهاتف: 36 46 (خدمة مجانية + ثمن المكالمة).", base: .rightToLeft)
        #expect(runs.contains(DirectionalRun("36 46", .leftToRight)))
        // Read from the right: the words before the number are on its right.
        let i = try! #require(runs.firstIndex(of: DirectionalRun("36 46", .leftToRight)))
        #expect(runs[(i + 1)...].contains { $0.text.contains("بالهاتف") })
        #expect(runs[..<i].contains { $0.text.contains("خدمة") })
        #expect(Bidi.visualRuns("المجموع المدفوع: 1 584,94 €", base: .rightToLeft).first == DirectionalRun("1 584,94 €", .leftToRight))
        #expect(Bidi.visualRuns("إلى 06 •• •• •• 12.", base: .rightToLeft).contains(DirectionalRun("06 •• •• •• 12", .leftToRight)))
        #expect(Bidi.visualRuns("على الساعة 12:00", base: .rightToLeft).first == DirectionalRun("12:00", .leftToRight))
        // A date: day, month, year read from the right.
        #expect(Bidi.visualString("يوم 20 نوفمبر 2026", base: .rightToLeft) == "2026 " + String("نوفمبر".reversed()) + " 20 " + String("يوم".reversed()))
    }

    @Test func aLatinNameStaysWholeAndInOrder() {
        let runs = Bidi.visualRuns("تم تسجيل التصريح لـ Jean DUPONT.", base: .rightToLeft)
        #expect(runs.map(\.direction) == [.rightToLeft, .leftToRight, .rightToLeft])
        #expect(runs[1].text == "Jean DUPONT")
        // The full stop ends the Arabic sentence: on the far left.
        #expect(runs[0].text == ".")
        // A name with a number after it stays one run: « 12 bis rue des Lilas ».
        #expect(Bidi.visualRuns("العنوان: 12 bis rue des Lilas", base: .rightToLeft).first == DirectionalRun("12 bis rue des Lilas", .leftToRight))
    }

    @Test func theTypedTextsCursorFollowsIt() {
        #expect(Bidi.visualRuns("rue de la paix|\u{200E}", base: .rightToLeft) == [DirectionalRun("rue de la paix|\u{200E}", .leftToRight)])
        #expect(Bidi.visualRuns("rue de la paix|", base: .rightToLeft).first == DirectionalRun("|", .rightToLeft))
    }

    @Test func guillemetsAroundLatinWordsGoWithTheArabic() {
        // Latin words in brackets after a Latin word: one left-to-right run, brackets included (UAX #9 N0).
        let runs = Bidi.visualRuns("حسابك على ameli («\u{00A0}Mes démarches\u{00A0}»)", base: .rightToLeft)
        #expect(runs == [DirectionalRun("ameli («\u{00A0}Mes démarches\u{00A0}»)", .leftToRight), DirectionalRun("حسابك على ", .rightToLeft)])
        // Brackets around Arabic words: with the Arabic, both sides.
        let ar = Bidi.visualRuns("بالهاتف: 36 46 (خدمة مجانية).", base: .rightToLeft)
        #expect(ar == [DirectionalRun(" (خدمة مجانية).", .rightToLeft), DirectionalRun("36 46", .leftToRight), DirectionalRun("بالهاتف: ", .rightToLeft)])
        // Latin words in brackets after Arabic: the brackets with the Arabic (drawn mirrored).
        let npai = Bidi.visualRuns("بريد مُرجَع (NPAI).", base: .rightToLeft)
        #expect(npai == [DirectionalRun(").", .rightToLeft), DirectionalRun("NPAI", .leftToRight), DirectionalRun("بريد مُرجَع (", .rightToLeft)])
        #expect(Bidi.mirroringBrackets("(«x»)") == ")»x«(")
    }

    @Test func arabicInALeftToRightLineIsReversedAsAWhole() {
        // Two Arabic words around a number in a French line read right to left as a block.
        let runs = Bidi.visualRuns("Nom : سعيد 12 علي", base: .leftToRight)
        #expect(runs.map(\.text) == ["Nom : ", " علي", "12", "سعيد "])
        #expect(runs.map(\.direction) == [.leftToRight, .rightToLeft, .leftToRight, .rightToLeft])
        #expect(Bidi.visualString("Nom : سعيد 12 علي", base: .leftToRight).hasPrefix("Nom : "))
        #expect(Bidi.visualString("Nom : سعيد 12 علي", base: .leftToRight).hasSuffix(String("سعيد".reversed())))
    }
}

@Suite @MainActor struct RightToLeftTextTests {
    /// Shaped, an Arabic word is not its letters side by side: HarfBuzz
    /// joins them (initial, medial, final forms), so the measured width
    /// differs from the sum of the isolated letters'.
    @Test func anArabicWordIsMeasuredShaped() throws {
        let fonts = try makeFonts()
        fonts.paragraphDirection = .rightToLeft
        let font = FontSpec(pixels: 40, bold: false)
        for word in ["بطاقة", "العربية", "مستفيد"] {
            let whole = fonts.width(of: word, font: font)
            let isolated = word.map { fonts.width(of: String($0), font: font) }.reduce(0, +)
            #expect(whole > 0 && whole != isolated, "\(word): \(whole) px shaped, \(isolated) px letter by letter")
        }
        // The same in both faces.
        let bold = FontSpec(pixels: 40, bold: true)
        #expect(fonts.width(of: "بطاقة", font: bold) != "بطاقة".map { fonts.width(of: String($0), font: bold) }.reduce(0, +))
    }

    /// The measurer and the backend agree on a mixed line: the texture the
    /// backend draws is as wide as the layout measured.
    @Test func theBackendDrawsAMixedLineAsWideAsMeasured() throws {
        let fonts = try makeFonts()
        let r = try makeRenderer(Size(width: 1280, height: 200), fonts: fonts)
        let line = "هل تؤكد أن بطاقة Vitale الخاصة بـ Jean DUPONT مفقودة؟ 36 46"
        let font = FontSpec(pixels: 30, bold: false)
        var list = DisplayList(size: Size(width: 1280, height: 200), background: Color(hex: 0xFFFFFF), screenID: "x", title: "x")
        list.direction = .rightToLeft
        fonts.paragraphDirection = .rightToLeft
        let w = fonts.width(of: line, font: font)
        list.append(DisplayItem(frame: Rect(x: 10, y: 50, width: w, height: fonts.lineHeight(font)),
                                kind: .text(line, font: font, color: Color(hex: 0)), role: .text))
        r.draw(list)
        let img = try r.snapshot()
        // Ink from the first pixels of the measured box to its last, none beyond.
        var minX = Int.max, maxX = 0
        for y in 50..<(50 + fonts.lineHeight(font)) { for x in 0..<img.width where img.color(x: x, y: y).distance(to: Color(hex: 0xFFFFFF)) > 100 {
            minX = min(minX, x); maxX = max(maxX, x)
        } }
        #expect(minX >= 10 && minX < 10 + 10, "ink starts at \(minX)")
        #expect(maxX <= 10 + w && maxX > 10 + w - 12, "ink ends at \(maxX), measured \(10 + w)")
    }

    /// In a right-to-left run a bracket is drawn as its mirror image
    /// (UAX #9 L4), exactly once whether or not the shaper mirrors.
    @Test func aBracketInArabicIsDrawnMirroredOnce() throws {
        let fonts = try makeFonts()
        let size = Size(width: 200, height: 100)
        let r = try makeRenderer(size, fonts: fonts)
        let f = FontSpec(pixels: 40, bold: false)
        func draw(_ s: String, _ d: TextDirection) throws -> PixelImage {
            var l = DisplayList(size: size, background: Color(hex: 0xFFFFFF), screenID: "x", title: "x")
            l.direction = d
            fonts.paragraphDirection = d
            l.append(DisplayItem(frame: Rect(x: 20, y: 20, width: fonts.width(of: s, font: f), height: fonts.lineHeight(f)),
                                 kind: .text(s, font: f, color: Color(hex: 0)), role: .text))
            r.draw(l)
            return try r.snapshot()
        }
        #expect(try draw("(", .rightToLeft) == (try draw(")", .leftToRight)))
        #expect(try draw("«", .rightToLeft) == (try draw("»", .leftToRight)))
        #expect(try draw("(", .rightToLeft) != (try draw("(", .leftToRight)))
    }

    /// A word with a mark above a tall letter (« طُلبت ») sits on the same
    /// baseline as the same word without it, alone or beside a number: the
    /// mark goes above the line's box, the letters do not drop.
    @Test func marksAboveDoNotMoveTheBaseline() throws {
        let fonts = try makeFonts()
        let size = Size(width: 400, height: 120)
        let r = try makeRenderer(size, fonts: fonts)
        let f = FontSpec(pixels: 30, bold: false)
        fonts.paragraphDirection = .rightToLeft
        #expect(fonts.runWidth(DirectionalRun("طُلبت", .rightToLeft), font: f) > 0)
        func lowestInk(_ s: String) throws -> Int {
            var l = DisplayList(size: size, background: Color(hex: 0xFFFFFF), screenID: "x", title: "x")
            l.direction = .rightToLeft
            l.append(DisplayItem(frame: Rect(x: 20, y: 40, width: fonts.width(of: s, font: f), height: fonts.lineHeight(f)),
                                 kind: .text(s, font: f, color: Color(hex: 0)), role: .text))
            r.draw(l)
            let img = try r.snapshot()
            var lowest = 0
            for y in 0..<img.height { for x in 0..<img.width where img.color(x: x, y: y).distance(to: Color(hex: 0xFFFFFF)) > 128 { lowest = max(lowest, y) } }
            return lowest
        }
        #expect(try lowestInk("طُلبت البطاقة") == (try lowestInk("طلبت البطاقة")))
        // A hamza over an alef joined to a lam (« الأوروبية »), beside a Latin word in brackets.
        #expect(try lowestInk("الأوروبية (CEAM) تسمح") == (try lowestInk("الاوروبية (CEAM) تسمح")))
        let a = try lowestInk("طُلبت البطاقة يوم 16"), b = try lowestInk("طلبت البطاقة يوم 16")
        #expect(a == b, "\(a) \(b) \(Bidi.visualRuns("طُلبت البطاقة يوم 16", base: .rightToLeft)) \(fonts.lineHeight(f))")
    }

    /// Wrapping an Arabic paragraph: every line fits the width it was cut for, as drawn.
    @Test func anArabicParagraphWrapsWithinItsBox() throws {
        let fonts = try makeFonts()
        fonts.paragraphDirection = .rightToLeft
        let text = "البطاقة التي صُرّح بفقدانها أو سرقتها لا يمكن استعمالها بعد ذلك، حتى لو وُجدت. إذا وصلتك بطاقتك الجديدة فاستعملها. اتصل بالرقم 36 46."
        let wrapped = TextWrapper.wrap(text, font: FontSpec(pixels: 30, bold: false), maxWidth: 500, measurer: fonts)
        #expect(wrapped.lines.count > 2 && wrapped.wordsFit)
        for l in wrapped.lines { #expect(fonts.width(of: l, font: wrapped.font) <= 500) }
        #expect(wrapped.lines.joined(separator: " ") == text)
        #expect(wrapped.lines.contains { $0.contains("36 46") })
    }

    @Test func theFontsHaveTheArabicCatalogsGlyphs() throws {
        let fonts = try makeFonts()
        #expect(fonts.covers("العربية بطاقة مستفيد ؟ ، ؛"))
        #expect(fonts.covers("العربية بطاقة مستفيد ؟ ، ؛", bold: true))
    }
}

/// The display list mirrored for a right-to-left language.
@Suite @MainActor struct MirroredLayoutTests {
    func engine(_ fonts: FontLibrary, size: Size = Size(width: 1280, height: 800)) -> LayoutEngine {
        LayoutEngine(metrics: ScreenMetrics(size: size, physicalWidthMM: ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: size)),
                     theme: .normal, measurer: fonts)
    }

    func screen(_ direction: TextDirection) -> ScreenModel {
        var s = ScreenModel(id: "flow.x", title: direction == .rightToLeft ? "تأكيد التصريح" : "Confirmer la déclaration", body: .vstack([
            .text(Text(direction == .rightToLeft ? "هل تؤكد أن بطاقة Vitale مفقودة؟" : "Confirmez-vous la perte ?", id: "q")),
            .button(Button(id: "sworn", label: direction == .rightToLeft ? "أتعهد" : "Je m’engage", style: .checkbox(checked: true))),
            .button(Button(id: "go", label: direction == .rightToLeft ? "تصريح" : "Déclarer", style: .primary)),
        ]), footer: [Button(id: "footer.finish", label: direction == .rightToLeft ? "إنهاء" : "Terminer", style: .neutral, width: .natural),
                     Button(id: "footer.back", label: direction == .rightToLeft ? "رجوع" : "Retour", style: .secondary, width: .natural)])
        s.step = StepIndicator(number: 1, count: 3, title: "x", position: direction == .rightToLeft ? "الخطوة 1 من 3" : "Étape 1 sur 3", key: "x.step")
        s.direction = direction
        return s
    }

    /// The way on bottom-right in French, bottom-left in Arabic; the ways
    /// out the other side, « Terminer » / « إنهاء » at the screen's edge.
    @Test(arguments: [Size(width: 1280, height: 800), Size(width: 800, height: 1280), Size(width: 1920, height: 1080)])
    func thePrimaryActionIsOnTheLeftInArabicAndOnTheRightInFrench(_ size: Size) throws {
        let fonts = try makeFonts()
        let fr = engine(fonts, size: size).layout(screen(.leftToRight))
        let ar = engine(fonts, size: size).layout(screen(.rightToLeft))
        #expect(fr.direction == .leftToRight && ar.direction == .rightToLeft)
        let goFR = try #require(fr.target(id: "go")), goAR = try #require(ar.target(id: "go"))
        #expect(goFR.frame.maxX > size.width * 9 / 10 && goAR.frame.minX < size.width / 10)
        let finishFR = try #require(fr.target(id: "footer.finish")), finishAR = try #require(ar.target(id: "footer.finish"))
        let backAR = try #require(ar.target(id: "footer.back"))
        #expect(finishFR.frame.minX < size.width / 10 && finishAR.frame.maxX > size.width * 9 / 10)
        #expect(backAR.frame.maxX < finishAR.frame.minX && goAR.frame.maxX < backAR.frame.minX)
        // Text on the right: the question's line ends at the right margin.
        let q = try #require(ar.texts.first { $0.widgetID == "q" })
        let qFR = try #require(fr.texts.first { $0.widgetID == "q" })
        #expect(size.width - q.frame.maxX == qFR.frame.minX)
        // The checkbox's box on the right of its words.
        let boxAR = try #require(ar.items.first { $0.widgetID == "sworn" && $0.role == .checkbox && !$0.isTarget && $0.text == nil })
        let labelAR = try #require(ar.texts.first { $0.widgetID == "sworn" })
        #expect(boxAR.frame.minX > labelAR.frame.maxX)
        // The step's first segment on the right, the last on the left.
        for (l, rightmost) in [(fr, false), (ar, true)] {
            let segments = l.items.filter { $0.role == .image && ($0.widgetID ?? "").contains("step") }
            #expect(segments.count == 3)
            let xs = segments.map(\.frame.minX)
            #expect(rightmost ? xs.first == xs.max() : xs.first == xs.min())
        }
        #expect(ar.problems == [] && fr.problems == [])
        // The same items, the same sizes, mirrored.
        #expect(ar.items.count == fr.items.count)
    }

    /// A keypad reads 1 2 3 from the left, a code's first digit is its
    /// leftmost box, a QR code is not mirrored; the keypad itself moves to
    /// the other side.
    @Test func theKeypadTheCodeAndTheQRCodeKeepTheirOrder() throws {
        let fonts = try makeFonts()
        func keypadScreen(_ d: TextDirection) -> ScreenModel {
            var s = ScreenModel(id: "code", title: "Code", body: .hstack([
                .vstack([.text(Text("Code", id: "prompt")), .codeField(CodeField(id: "field", length: 4, entered: 2, speech: ""))]),
                .keypad(Keypad(id: "keypad", eraseLabel: "مسح", okLabel: "موافق", okEnabled: false)),
            ]))
            s.direction = d
            return s
        }
        let fr = engine(fonts).layout(keypadScreen(.leftToRight))
        let ar = engine(fonts).layout(keypadScreen(.rightToLeft))
        for l in [fr, ar] {
            let one = try #require(l.target(id: "keypad.1")), three = try #require(l.target(id: "keypad.3"))
            let erase = try #require(l.target(id: "keypad.erase")), ok = try #require(l.target(id: "keypad.ok"))
            #expect(one.frame.minX < three.frame.minX && erase.frame.minX < ok.frame.minX)
            let box0 = try #require(l.items.first { $0.widgetID == "field.0" }), box3 = try #require(l.items.first { $0.widgetID == "field.3" })
            #expect(box0.frame.minX < box3.frame.minX)
        }
        // The keypad on the right in French, on the left in Arabic.
        #expect(fr.target(id: "keypad.5")!.frame.minX > fr.size.width / 2 && ar.target(id: "keypad.5")!.frame.maxX < ar.size.width / 2)
        // The keys' labels stay inside their keys.
        for key in ["1", "2", "3", "erase", "ok"] {
            let k = try #require(ar.target(id: "keypad.\(key)"))
            let label = try #require(ar.texts.first { $0.widgetID == "keypad.\(key)" })
            #expect(k.frame.contains(label.frame))
        }
        // A QR code's modules: the same pattern, moved as a whole.
        let matrix = ModuleMatrix(size: 3, dark: [true, false, false, true, true, false, false, false, true])
        func qr(_ d: TextDirection) -> ScreenModel {
            var s = ScreenModel(id: "qr", title: "QR", body: .drawing(Drawing(id: "qr", widthMM: 40, heightMM: 40, shapes: [.modules(matrix, x: 0, y: 0, side: 40)])))
            s.direction = d
            return s
        }
        let qfr = engine(fonts).layout(qr(.leftToRight)).items.filter { $0.widgetID == "qr" }.map(\.frame)
        let qar = engine(fonts).layout(qr(.rightToLeft)).items.filter { $0.widgetID == "qr" }.map(\.frame)
        let dx = qar[0].x - qfr[0].x
        #expect(zip(qfr, qar).allSatisfy { $0.offsetBy(dx: dx, dy: 0) == $1 })
    }

    /// An arrow that points a way is drawn mirrored with its pictogram; a « € » is not.
    @Test func directionalArrowsFlipOthersDoNot() throws {
        let fonts = try makeFonts()
        func pictogram(_ d: TextDirection) -> ScreenModel {
            var s = ScreenModel(id: "p", title: "P", body: .drawing(Drawing(id: "pic", widthMM: 30, heightMM: 20, shapes: [
                .glyph("➜", x: 10, y: 10, size: 8, paint: .primary), .glyph("€", x: 20, y: 10, size: 8, paint: .primary),
            ])))
            s.direction = d
            return s
        }
        let ar = engine(fonts).layout(pictogram(.rightToLeft)).items.filter { $0.widgetID == "pic" }
        #expect(ar.first { $0.text == "➜" }?.flipsHorizontally == true)
        #expect(ar.first { $0.text == "€" }?.flipsHorizontally == false)
        // Mirrored: the arrow, left of the « € » in French, is on its right.
        #expect(ar.first { $0.text == "➜" }!.frame.minX > ar.first { $0.text == "€" }!.frame.minX)
        let fr = engine(fonts).layout(pictogram(.leftToRight)).items.filter { $0.widgetID == "pic" }
        #expect(fr.allSatisfy { !$0.flipsHorizontally })
    }
}
