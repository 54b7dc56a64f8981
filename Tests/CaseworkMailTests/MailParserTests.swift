import CaseworkMail
import Foundation
import Testing

/// Fixtures written for these tests in the shapes real clients send.
@Suite("Reading RFC 5322 and MIME messages")
struct MailParserTests {
  func parse(_ text: String) throws -> MailMessage {
    try MailParser.parse(Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8))
  }

  @Test("Gmail: multipart/alternative, quoted-printable, folded headers, a reply with the history quoted")
  func gmailReply() throws {
    let message = try parse(
      """
      MIME-Version: 1.0
      Date: Mon, 16 Nov 2026 09:12:44 +0000
      References: <cw.1.abc@casework.example>
      In-Reply-To: <cw.1.abc@casework.example>
      Message-ID: <CAGx=1234@mail.gmail.com>
      Subject: Re: [SR-2026-000123] Cannot log in
      From: Ann Example <ann@example.com>
      To: Support <support@casework.example>
      Content-Type: multipart/alternative; boundary="000000000000abcd"

      --000000000000abcd
      Content-Type: text/plain; charset="UTF-8"
      Content-Transfer-Encoding: quoted-printable

      I wish to escalate this, the app still says my password is wr=
      ong. Caf=C3=A9 wifi too.

      On Fri, 13 Nov 2026 at 16:02, Support <support@casework.example> wrote:

      > Please try resetting your password.
      > Thanks
      >

      --000000000000abcd
      Content-Type: text/html; charset="UTF-8"
      Content-Transfer-Encoding: quoted-printable

      <div dir=3D"ltr">I wish to escalate this</div>

      --000000000000abcd--
      """)
    #expect(message.from == MailAddress(name: "Ann Example", address: "ann@example.com"))
    #expect(message.subject == "Re: [SR-2026-000123] Cannot log in")
    #expect(message.messageID == "CAGx=1234@mail.gmail.com")
    #expect(message.inReplyTo == ["cw.1.abc@casework.example"])
    #expect(message.references == ["cw.1.abc@casework.example"])
    #expect(message.date == Date(timeIntervalSince1970: 1_794_820_364))
    #expect(message.text.contains("my password is wrong. Café wifi too."))
    #expect(message.html?.contains("I wish to escalate this") == true)
    #expect(message.reply.newText == "I wish to escalate this, the app still says my password is wrong. Café wifi too.")
    #expect(message.reply.quoted.hasPrefix("On Fri, 13 Nov 2026 at 16:02"))
    #expect(message.reply.quoted.contains("> Please try resetting"))
    #expect(message.notes.isEmpty)
    #expect(!message.isAutomatic)
  }

  @Test("Outlook: Windows-1252, encoded-word subject, the From/Sent block starts the history")
  func outlook() throws {
    var text = """
      From: =?iso-8859-1?Q?Se=E1n_O=27Brien?= <sean@nhs.example>
      To: "Support, Casework" <support@casework.example>
      Subject: =?utf-8?B?UmU6IOKAnEJvb2tpbmfigJ0gcGFnZQ==?=
       =?utf-8?Q?_broken?=
      Date: Tue, 17 Nov 2026 10:00 GMT
      Message-ID: <DB9PR01@eurprd01.prod.outlook.com>
      Content-Type: text/plain; charset="Windows-1252"
      Content-Transfer-Encoding: 8bit

      It\u{92}s still broken \u{96} see attached.

      From: Support <support@casework.example>
      Sent: 16 November 2026 14:00
      To: Seán O'Brien
      Subject: Booking page

      Have you tried again?
      """
    text = text.replacingOccurrences(of: "\n", with: "\r\n")
    // The body is Windows-1252 bytes: write the two special characters as such.
    var bytes = Array(text.utf8)
    bytes = bytes.flatMap { byte -> [UInt8] in [byte] }
    let data = Data(
      String(decoding: bytes, as: UTF8.self).unicodeScalars.map { scalar -> UInt8 in
        scalar.value == 0x92 ? 0x92 : scalar.value == 0x96 ? 0x96 : scalar.value < 0x80 ? UInt8(scalar.value) : 0xE1
      })
    let message = try MailParser.parse(data)
    #expect(message.from?.name == "Seán O'Brien")
    #expect(message.to == [MailAddress(name: "Support, Casework", address: "support@casework.example")])
    #expect(message.subject == "Re: “Booking” page broken")
    #expect(message.date == Date(timeIntervalSince1970: 1_794_909_600))
    #expect(message.reply.newText == "It’s still broken – see attached.")
    #expect(message.reply.quoted.hasPrefix("From: Support"))
  }

  @Test("Apple Mail: nested multipart/mixed > alternative + related, inline image and a PDF with an RFC 2231 name")
  func appleNested() throws {
    let pdf = Data("%PDF-1.4 tiny".utf8).base64EncodedString()
    let message = try parse(
      """
      From: Bea <bea@example.org>
      To: support@casework.example
      Subject: Screenshot
      Date: Wed, 18 Nov 2026 08:00:00 -0500
      Message-Id: <A1B2@example.org>
      Content-Type: multipart/mixed; boundary="Apple-Mail=_outer"

      --Apple-Mail=_outer
      Content-Type: multipart/alternative; boundary="Apple-Mail=_alt"

      --Apple-Mail=_alt
      Content-Transfer-Encoding: 7bit
      Content-Type: text/plain; charset=us-ascii

      See the screenshot.

      Sent from my iPhone
      --Apple-Mail=_alt
      Content-Type: multipart/related; type="text/html"; boundary="Apple-Mail=_rel"

      --Apple-Mail=_rel
      Content-Type: text/html; charset=us-ascii

      <html><body>See the <b>screenshot</b>.<img src="cid:img1"></body></html>
      --Apple-Mail=_rel
      Content-Type: image/png; name=shot.png
      Content-ID: <img1>
      Content-Transfer-Encoding: base64

      iVBORw0KGgo=
      --Apple-Mail=_rel--

      --Apple-Mail=_alt--

      --Apple-Mail=_outer
      Content-Type: application/pdf
      Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9%20notes.pdf
      Content-Transfer-Encoding: base64

      \(pdf)
      --Apple-Mail=_outer--
      """)
    #expect(message.text.hasPrefix("See the screenshot."))
    #expect(message.html?.contains("<b>screenshot</b>") == true)
    #expect(message.date == Date(timeIntervalSince1970: 1_795_006_800))
    let names = message.attachments.map(\.filename)
    #expect(names == ["shot.png", "résumé notes.pdf"])
    #expect(message.attachments[0].contentID == "img1")
    #expect(message.attachments[0].size == 8)
    #expect(message.attachments[1].data == Data("%PDF-1.4 tiny".utf8))
    #expect(message.attachments[1].contentType == "application/pdf")
    #expect(message.notes.isEmpty)
  }

  @Test("HTML-only mail becomes readable text; entities decoded; script and style dropped")
  func htmlOnly() throws {
    let message = try parse(
      """
      From: clinic@gp.example
      To: support@casework.example
      Subject: Incident: messages not sending
      Date: Thu, 19 Nov 2026 12:00:00 +0000
      Content-Type: text/html; charset=iso-8859-15
      Content-Transfer-Encoding: quoted-printable

      <html><head><style>p{color:red}</style><script>alert(1)</script></head><body>
      <p>Messages to patients are <b>not</b> sending since 11:00.</p>
      <ul><li>Practice A</li><li>Practice B</li></ul>
      <p>Cost: =A4 0 &amp; &pound;0 &#8211; see <a href=3D"https://status.example">status</a></p>
      </body></html>
      """)
    #expect(
      message.text
        == "Messages to patients are not sending since 11:00.\n\n- Practice A\n- Practice B\nCost: € 0 & £0 – see status (https://status.example)"
    )
    #expect(!message.text.contains("alert"))
    #expect(!message.text.contains("color"))
  }

  @Test("an unknown charset is read with replacements and noted, never fatal; invalid UTF-8 likewise")
  func unknownCharset() throws {
    let message = try parse(
      """
      From: x@example.com
      Date: Thu, 19 Nov 2026 12:00:00 +0000
      Subject: odd
      Content-Type: text/plain; charset=x-klingon

      Hello
      """)
    #expect(message.text == "Hello")
    #expect(message.notes.contains { $0.contains("unknown charset \"x-klingon\"") })
    var bytes = Array(
      "From: y@example.com\r\nDate: Thu, 19 Nov 2026 12:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbad ".utf8)
    bytes += [0xFF, 0xFE]
    let broken = try MailParser.parse(Data(bytes))
    #expect(broken.text.contains("\u{FFFD}"))
    #expect(broken.notes.contains { $0.contains("not valid utf-8") })
  }

  @Test("truncated MIME, missing From and Date, 8-bit headers: kept and noted")
  func damaged() throws {
    var bytes =
      Array("Subject: Caf".utf8) + [0xE9]
      + Array(
        "\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nFirst part then the connection dropped"
          .utf8)
    let message = try MailParser.parse(Data(bytes))
    #expect(message.subject == "Café")
    #expect(message.text == "First part then the connection dropped")
    #expect(message.from == nil)
    #expect(message.notes.contains { $0.contains("truncated") })
    #expect(message.notes.contains { $0.contains("no readable From") })
    #expect(message.notes.contains { $0.contains("no Date") })
    #expect(message.notes.contains { $0.contains("8-bit") })
    bytes = Array("just some words\r\nwith no headers at all\r\n".utf8)
    #expect(throws: MailParseError.notAMessage) { try MailParser.parse(Data(bytes)) }
    #expect(throws: MailParseError.notAMessage) { try MailParser.parse(Data()) }
  }

  @Test("addresses: display names, quoted specials, comments, groups, and encoded names")
  func addresses() {
    let list = MailAddress.list(
      "\"Smith, Jo\" <jo@example.com>, plain@example.com (comment), Team: a@x.example, B <b@x.example>;, =?utf-8?Q?Ren=C3=A9e?= <renee@example.fr>, not an address"
    )
    #expect(
      list == [
        MailAddress(name: "Smith, Jo", address: "jo@example.com"), MailAddress(address: "plain@example.com"),
        MailAddress(address: "a@x.example"), MailAddress(name: "B", address: "b@x.example"),
        MailAddress(name: "Renée", address: "renee@example.fr"),
      ])
  }

  @Test("auto-replies, list mail and bounces are recognised; a bounce names the message it returns")
  func automatic() throws {
    for header in ["Auto-Submitted: auto-replied", "X-Autoreply: yes", "Precedence: bulk", "Precedence: list"] {
      let message = try parse("From: a@example.com\n\(header)\nDate: Thu, 19 Nov 2026 12:00:00 +0000\n\nI am away")
      #expect(message.isAutomatic, "\(header)")
    }
    #expect(try !parse("From: a@example.com\nAuto-Submitted: no\n\nHi").isAutomatic)
    let bounce = try parse(
      """
      From: MAILER-DAEMON@mx.example
      To: support@casework.example
      Subject: Undelivered Mail Returned to Sender
      Date: Thu, 19 Nov 2026 12:00:00 +0000
      Content-Type: multipart/report; report-type=delivery-status; boundary="R"

      --R
      Content-Type: text/plain

      The mail system could not deliver your message.
      --R
      Content-Type: message/delivery-status

      Reporting-MTA: dns; mx.example
      Final-Recipient: rfc822; gone@example.com
      Action: failed
      Status: 5.1.1
      --R
      Content-Type: text/rfc822-headers

      From: Support <support@casework.example>
      Message-ID: <cw.7.sig@casework.example>
      Subject: Re: your case
      --R--
      """)
    #expect(bounce.isDeliveryReport)
    #expect(bounce.isAutomatic)
    #expect(bounce.reportedMessageIDs == ["cw.7.sig@casework.example"])
    #expect(bounce.text.contains("could not deliver"))
  }

  @Test("reply splitting: mobile replies, '>' quoting, wrapped attributions, Outlook rules; forwarded text stays")
  func replySplitting() {
    #expect(
      ReplyText("Thanks!\n\nSent from my Galaxy\n\n________________________________\nFrom: Support\nOld text").newText
        == "Thanks!\n\nSent from my Galaxy")
    #expect(ReplyText("Yes please\n> old line\n> older").quoted == "> old line\n> older")
    #expect(
      ReplyText("Fine.\nOn Mon, 16 Nov 2026 at 09:00, Casework Support <\nsupport@casework.example> wrote:\n> hi").newText
        == "Fine.")
    #expect(ReplyText("See below\n-----Original Message-----\nFrom: x").newText == "See below")
    #expect(ReplyText("FYI\n---------- Forwarded message ---------\nFrom: a@b.c\nDate: x\n\nforwarded body").quoted.isEmpty)
    #expect(ReplyText("No history here.").quoted.isEmpty)
  }
}
