import Foundation

/// A message Casework sends: text and optional HTML alternatives, threading headers, and
/// `Auto-Submitted: auto-replied` on automatic replies (RFC 3834). Everything put into a
/// header is encoded and stripped of line breaks, so no input can add a header.
public struct OutgoingMail: Sendable, Equatable {
  public var from: MailAddress
  public var to: [MailAddress]
  public var subject: String
  public var text: String
  public var html: String?
  /// Without angle brackets.
  public var messageID: String
  public var inReplyTo: String?
  public var references: [String]
  public var date: Date
  public var isAutomaticReply: Bool
  public var replyTo: MailAddress?

  public init(
    from: MailAddress, to: [MailAddress], subject: String, text: String, html: String? = nil, messageID: String,
    inReplyTo: String? = nil, references: [String] = [], date: Date, isAutomaticReply: Bool = false, replyTo: MailAddress? = nil
  ) {
    self.from = from
    self.to = to
    self.subject = subject
    self.text = text
    self.html = html
    self.messageID = messageID
    self.inReplyTo = inReplyTo
    self.references = references
    self.date = date
    self.isAutomaticReply = isAutomaticReply
    self.replyTo = replyTo
  }

  static func clean(_ id: String) -> String {
    String(String.UnicodeScalarView(id.unicodeScalars.filter { !"\r\n<> ".unicodeScalars.contains($0) }))
  }

  /// The RFC 5322 message, CRLF line ends, 7-bit clean.
  public func render() -> Data {
    var lines: [String] = [
      "From: \(from.headerValue)",
      "To: \(to.map(\.headerValue).joined(separator: ", "))",
      "Subject: \(EncodedWords.encode(subject))",
      "Date: \(MailDate.format(date))",
      "Message-ID: <\(Self.clean(messageID))>",
    ]
    if let replyTo { lines.append("Reply-To: \(replyTo.headerValue)") }
    if let inReplyTo { lines.append("In-Reply-To: <\(Self.clean(inReplyTo))>") }
    if !references.isEmpty { lines.append("References: " + references.map { "<\(Self.clean($0))>" }.joined(separator: " ")) }
    if isAutomaticReply { lines.append("Auto-Submitted: auto-replied") }
    lines.append("MIME-Version: 1.0")
    let textPart = [
      "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
      TransferEncodings.encodeQuotedPrintable(text),
    ]
    if let html {
      let boundary = "=_casework_\(Self.clean(messageID).utf8.reduce(UInt64(5381)) { ($0 &* 33) ^ UInt64($1) })"
      lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
      lines.append("")
      lines.append("--\(boundary)")
      lines += textPart
      lines.append("--\(boundary)")
      lines += [
        "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
        TransferEncodings.encodeQuotedPrintable(html),
      ]
      lines.append("--\(boundary)--")
    } else {
      lines += textPart
    }
    return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
  }
}
