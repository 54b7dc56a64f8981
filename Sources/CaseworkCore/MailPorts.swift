import Foundation

/// Where inbound email is kept as it arrived.
public protocol InboundMailStore: Sendable {
  /// Stores the raw bytes unless the same message (same dedupe key) is already stored.
  /// Returns the stored id, whether it was new, and the case an earlier delivery went to.
  func store(raw: Data, dedupeKey: String, source: String, receivedAt: Date) async throws -> StoredInboundMail
  /// Records what processing did with it.
  func markProcessed(_ id: UUID, caseID: CaseID?, outcome: String, at: Date) async throws
  /// Messages kept while intake was stopped, oldest first.
  func deferred(limit: Int) async throws -> [(id: UUID, raw: Data)]
}

public struct StoredInboundMail: Sendable, Equatable {
  public var id: UUID
  public var isNew: Bool
  public var caseID: CaseID?
  public var outcome: String?

  public init(id: UUID, isNew: Bool, caseID: CaseID?, outcome: String?) {
    self.id = id
    self.isNew = isNew
    self.caseID = caseID
    self.outcome = outcome
  }
}

/// A keyed signature (HMAC) for the Message-IDs Casework sends, so a reply's In-Reply-To can
/// be trusted to name its case. Lives outside Core because Foundation has no HMAC on Linux.
public protocol MessageSigner: Sendable {
  /// A short hex signature of `payload`.
  func signature(_ payload: String) -> String
}

/// Outgoing emails that came back: a delivery report names the `Message-ID` we sent, and the
/// outbox entry with that id is marked as returned.
public protocol ReturnedMailRecorder: Sendable {
  /// Marks the sent email with this Message-ID as returned; nil when we sent no such email.
  func markReturned(messageID: String, reason: String) async throws -> ReturnedEmail?
}

/// What we had sent, as the case page and the delivery-failure note describe it.
public struct ReturnedEmail: Sendable, Equatable {
  public var caseID: CaseID
  public var subject: String
  public var sentAt: Date?

  public init(caseID: CaseID, subject: String, sentAt: Date?) {
    self.caseID = caseID
    self.subject = subject
    self.sentAt = sentAt
  }
}
