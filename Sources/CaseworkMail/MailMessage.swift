import Foundation

/// An attachment kept with its name, type and size.
public struct MailAttachment: Sendable, Equatable {
  public var filename: String
  public var contentType: String
  public var data: Data
  public var contentID: String?
  public var size: Int { data.count }
}

/// A parsed message: what Casework needs from it, plus what could not be read.
public struct MailMessage: Sendable {
  public var headers: MailHeaders
  public var from: MailAddress?
  public var to: [MailAddress]
  public var cc: [MailAddress]
  public var replyTo: [MailAddress]
  public var subject: String
  /// Without angle brackets.
  public var messageID: String?
  public var inReplyTo: [String]
  public var references: [String]
  public var date: Date?
  /// The readable text: the plain-text part, or the HTML part turned into text.
  public var text: String
  public var html: String?
  public var attachments: [MailAttachment]
  /// What could not be read, in words for staff (unknown charset, truncated MIME, ...).
  public var notes: [String]
  /// A delivery report (bounce): `multipart/report` or `message/delivery-status`.
  public var isDeliveryReport: Bool
  /// The ids of messages a delivery report is about (from its returned headers).
  public var reportedMessageIDs: [String]

  /// Sent by a machine (RFC 3834 `Auto-Submitted`, `X-Autoreply`, `Precedence: bulk/junk/list`,
  /// or a delivery report): it must get no automatic reply.
  public var isAutomatic: Bool {
    if isDeliveryReport { return true }
    if let auto = headers.raw("Auto-Submitted")?.lowercased(), !auto.hasPrefix("no") { return true }
    if headers.raw("X-Autoreply") != nil || headers.raw("X-Autorespond") != nil { return true }
    if let precedence = headers.raw("Precedence")?.lowercased(), ["bulk", "junk", "list"].contains(precedence) { return true }
    return false
  }

  /// The reply's new text and the quoted history, kept apart.
  public var reply: ReplyText { ReplyText(text) }
}

public enum MailParseError: Error, Equatable, CustomStringConvertible {
  /// The input has no header fields at all: it is not an RFC 5322 message.
  case notAMessage

  public var description: String { "The input is not an email message: it has no header fields." }
}
