import CaseworkMail
import Foundation

// Parsing speed on one core, release build: a typical 10 KB reply (multipart/alternative,
// quoted-printable, the history quoted). Run with scripts/bench/mail.

func typicalMessage() -> Data {
  let quoted = (1...60).map { "> Line \($0) of the earlier message, with the usual kind of length for quoted text." }.joined(
    separator: "\r\n")
  let html = (1...40).map { "<p>Paragraph \($0) of the HTML alternative, caf=C3=A9 and <b>bold</b> text.</p>" }.joined(
    separator: "\r\n")
  let text = """
    From: Ann Example <ann@example.com>\r
    To: Support <support@casework.example>\r
    Subject: =?utf-8?Q?Re:_[SR-2026-000123]_Caf=C3=A9_booking?=\r
    Date: Mon, 16 Nov 2026 09:12:44 +0000\r
    Message-ID: <CAGx=1234@mail.gmail.com>\r
    In-Reply-To: <cw.1.abc@casework.example>\r
    References: <cw.0.abc@casework.example> <cw.1.abc@casework.example>\r
    MIME-Version: 1.0\r
    Content-Type: multipart/alternative; boundary="b1"\r
    \r
    --b1\r
    Content-Type: text/plain; charset="UTF-8"\r
    Content-Transfer-Encoding: quoted-printable\r
    \r
    I wish to escalate this: the app still says my password is wrong at the caf=\r
    =C3=A9.\r
    \r
    On Fri, 13 Nov 2026 at 16:02, Support <support@casework.example> wrote:\r
    \(quoted)\r
    --b1\r
    Content-Type: text/html; charset="UTF-8"\r
    Content-Transfer-Encoding: quoted-printable\r
    \r
    \(html)\r
    --b1--\r

    """
  return Data(text.utf8)
}

let message = typicalMessage()
let seconds = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1]) ?? 2 : 2
let clock = ContinuousClock()
var parsed = 0
var checksum = 0
let began = clock.now
var elapsed: Double = 0
while elapsed < seconds {
  for _ in 0..<100 {
    let result = try MailParser.parse(message)
    checksum &+= result.reply.newText.count
  }
  parsed += 100
  let duration = clock.now - began
  elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
print("Parsed \(parsed) messages of \(message.count) bytes in \(String(format: "%.2f", elapsed)) s on one core:")
print(
  "\(String(format: "%.0f", Double(parsed) / elapsed)) messages per second (reply split included; checksum \(checksum % 1000))")
