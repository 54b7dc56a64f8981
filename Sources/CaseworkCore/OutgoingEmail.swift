import Foundation

/// An email to the requester, written in the same transaction as the change that caused it
/// (the outbox pattern) and sent afterwards by a job. Subjects may contain `{{reference}}`
/// for a case that has no reference yet.
public struct OutgoingEmail: Sendable, Equatable, Identifiable {
  public var id: UUID
  public var caseID: CaseID
  public var caseMessageID: UUID
  public var toName: String
  public var toAddress: String
  public var subject: String
  public var body: String
  /// An automatic reply (acknowledgement, signposting): sent with `Auto-Submitted`, never to
  /// automatic mail, and limited per recipient per hour.
  public var isAutomatic: Bool
  public var createdAt: Date

  public init(
    id: UUID = .timeOrdered(), caseID: CaseID, caseMessageID: UUID, toName: String, toAddress: String, subject: String,
    body: String,
    isAutomatic: Bool, createdAt: Date
  ) {
    self.id = id
    self.caseID = caseID
    self.caseMessageID = caseMessageID
    self.toName = toName
    self.toAddress = toAddress
    // An NHS number travels only in its own field, never in an email's subject or text.
    self.subject = NHSNumber.mask(in: subject)
    self.body = NHSNumber.mask(in: body)
    self.isAutomatic = isAutomatic
    self.createdAt = createdAt
  }

  /// No address to write to: unknown senders are recorded as `…@invalid` (RFC 2606).
  static func canReach(_ requester: Requester) -> Bool { requester.hasEmailAddress }

  /// The email carrying a message of a case to its requester, or nil when there is nobody to
  /// write to or the message is not for the requester.
  static func carrying(
    _ message: CaseMessage, reference: String, subject: String, requester: Requester, automatic: Bool, reply: Bool,
    link: String?
  ) -> OutgoingEmail? {
    guard message.isVisibleToRequester, message.kind == .outbound, canReach(requester) else { return nil }
    return OutgoingEmail(
      caseID: message.caseID, caseMessageID: message.id, toName: requester.name, toAddress: requester.email,
      subject: "\(reply ? "Re: " : "")[\(reference)] \(subject)",
      body: link.map { RequesterEmailFooter.appending(link: $0, to: message.body) } ?? message.body, isAutomatic: automatic,
      createdAt: message.createdAt)
  }
}

extension Requester {
  /// Whether there is an address to write to: unknown senders and people who gave none are
  /// recorded as `…@invalid` (RFC 2606), and get letters by post instead.
  public var hasEmailAddress: Bool {
    !email.lowercased().hasSuffix(".invalid") && !email.lowercased().hasSuffix("@invalid")
  }
}
