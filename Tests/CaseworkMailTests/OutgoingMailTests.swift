import CaseworkMail
import Foundation
import Testing

@Suite("Writing messages")
struct OutgoingMailTests {
  let date = Date(timeIntervalSince1970: 1_795_255_200)  // Sat 21 Nov 2026 10:00 UTC

  func mail(
    subject: String = "Re: [SR-2026-000001] Booking – “blank” page",
    text: String = "Hello Ann,\nTry version 4.3 — it fixes this.", html: String? = nil
  )
    -> OutgoingMail
  {
    OutgoingMail(
      from: MailAddress(name: "Casework Support", address: "support@casework.example"),
      to: [MailAddress(name: "Seán O'Brien", address: "sean@example.com")], subject: subject, text: text, html: html,
      messageID: "cw.1.sig@casework.example", inReplyTo: "CAGx=1234@mail.gmail.com",
      references: ["a@x", "CAGx=1234@mail.gmail.com"],
      date: date, isAutomaticReply: true)
  }

  @Test("what we write reads back the same: names, subject, threading headers, text and HTML")
  func roundTrip() throws {
    let data = mail(html: "<p>Hello Ann, try <b>4.3</b></p>").render()
    #expect(data.allSatisfy { $0 < 0x80 }, "7-bit clean")
    let text = String(decoding: data, as: UTF8.self)
    for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 998) }
    let parsed = try MailParser.parse(data)
    #expect(parsed.from == MailAddress(name: "Casework Support", address: "support@casework.example"))
    #expect(parsed.to == [MailAddress(name: "Seán O'Brien", address: "sean@example.com")])
    #expect(parsed.subject == "Re: [SR-2026-000001] Booking – “blank” page")
    #expect(parsed.messageID == "cw.1.sig@casework.example")
    #expect(parsed.inReplyTo == ["CAGx=1234@mail.gmail.com"])
    #expect(parsed.references == ["a@x", "CAGx=1234@mail.gmail.com"])
    #expect(parsed.date == date)
    #expect(parsed.text == "Hello Ann,\nTry version 4.3 — it fixes this.")
    #expect(parsed.html == "<p>Hello Ann, try <b>4.3</b></p>")
    #expect(parsed.headers.raw("Auto-Submitted") == "auto-replied")
    #expect(parsed.isAutomatic)
    #expect(parsed.notes.isEmpty)
  }

  @Test("nothing put into a header can add a header")
  func headerInjection() throws {
    var evil = mail(subject: "Hello\r\nBcc: victim@example.com")
    evil.to = [MailAddress(name: "Eve\r\nBcc: x@y", address: "eve@example.com\r\nBcc: z@y")]
    evil.messageID = "id@x>\r\nBcc: w@y"
    let parsed = try MailParser.parse(evil.render())
    #expect(parsed.headers.raw("Bcc") == nil)
    #expect(parsed.headers.fields.filter { $0.name.lowercased() == "bcc" }.isEmpty)
    #expect(parsed.subject == "Hello  Bcc: victim@example.com")
  }

  @Test("quoted-printable keeps any text exactly and lines short")
  func quotedPrintable() throws {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("abc XYZ 123 =.\t£€—“”éçü😀\n")
    for _ in 0..<300 {
      let length = Int.random(in: 0...400, using: &generator)
      var text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
      text = text.replacingOccurrences(of: "\n", with: "\r\n")
      let parsed = try MailParser.parse(mail(text: text).render())
      // A body's last line ends with CRLF like every other, so a final line break is not told apart.
      func withoutFinalBreaks(_ value: String) -> String {
        var result = value.replacingOccurrences(of: "\r\n", with: "\n")
        while result.hasSuffix("\n") { result.removeLast() }
        return result
      }
      #expect(withoutFinalBreaks(parsed.text) == withoutFinalBreaks(text))
    }
  }

  @Test("encoded words: long non-ASCII text is split into words that decode back")
  func encodedWords() {
    let long = String(repeating: "Réclamation concernant l’application – ", count: 5)
    let encoded = EncodedWords.encode(long)
    #expect(!encoded.contains("\n"))
    #expect(encoded.split(separator: " ").allSatisfy { $0.count <= 75 })
    #expect(EncodedWords.decode(encoded) == long.replacingOccurrences(of: "\n", with: " "))
    #expect(EncodedWords.encode("Plain ASCII") == "Plain ASCII")
    #expect(EncodedWords.decode("=?utf-8?q?a?= =?utf-8?q?b?= c =?bogus") == "ab c =?bogus")
  }
}

@Suite("Subject helpers")
struct SubjectHelperTests {
  @Test("a whole word in any case, not part of a longer word")
  func wholeWord() {
    #expect("Major INCIDENT: login down".containsWord("incident"))
    #expect("incident".containsWord("incident"))
    #expect("Re: [incident-42]".containsWord("incident"))
    #expect(!"Incidental question".containsWord("incident"))
    #expect(!"coincident".containsWord("incident"))
    #expect(!"incident_report".containsWord("incident"))
    #expect(!"incidént".containsWord("incident"))
    #expect(!"".containsWord("incident"))
  }

  @Test("the first bracketed case reference, whatever else is in brackets")
  func bracketedReference() {
    #expect("Re: [SR-2026-000123] Cannot log in".bracketedCaseReference?.description == "SR-2026-000123")
    #expect("[EXT] Re: [CMP-2025-000045]".bracketedCaseReference?.description == "CMP-2025-000045")
    #expect("Fwd: [INC-2026-000007".bracketedCaseReference == nil)
    #expect("SR-2026-000123 without brackets".bracketedCaseReference == nil)
    #expect("[XX-2026-000123]".bracketedCaseReference == nil)
  }
}
