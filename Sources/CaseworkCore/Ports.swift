import Foundation

/// One-way digest of a secret (API tokens, requester links). Lives outside Core because
/// Foundation has no SHA-256 on Linux.
public protocol SecretHasher: Sendable {
  func digest(_ secret: String) -> String
}

/// A new case before it has a reference. The repository allocates the reference and stores
/// the case, its first messages and audit events in one transaction.
public struct CaseDraft: Sendable {
  public static let referencePlaceholder = "{{reference}}"

  public var id: CaseID
  public var kind: CaseKind
  public var status: CaseStatus
  public var priority: CasePriority
  public var channel: Channel
  public var subject: String
  public var requester: Requester
  public var tags: [String]
  public var clinicalFlag: Bool
  public var emergencyFlag: Bool
  public var createdAt: Date
  public var receivedAt: Date
  /// System messages may contain `{{reference}}`, filled in once the reference is known.
  public var messages: [CaseMessage]
  public var audit: [AuditEvent]
  public var accessTokenHash: String?
  /// Deadlines the case starts with (those its receipt starts).
  public var deadlines: [Deadline] = []
  /// Emails to send once stored (the acknowledgement); subjects hold `{{reference}}`.
  public var outgoing: [OutgoingEmail] = []
  /// The team it starts with (complaints go to the support managers first).
  public var team: String?
  /// A complaint's own record, stored with the case.
  public var complaint: Complaint?

  public init(
    id: CaseID, kind: CaseKind, status: CaseStatus, priority: CasePriority, channel: Channel, subject: String,
    requester: Requester, tags: [String], clinicalFlag: Bool, emergencyFlag: Bool, createdAt: Date,
    receivedAt: Date, messages: [CaseMessage], audit: [AuditEvent], accessTokenHash: String?
  ) {
    self.id = id
    self.kind = kind
    self.status = status
    self.priority = priority
    self.channel = channel
    self.subject = subject
    self.requester = requester
    self.tags = tags
    self.clinicalFlag = clinicalFlag
    self.emergencyFlag = emergencyFlag
    self.createdAt = createdAt
    self.receivedAt = receivedAt
    self.messages = messages
    self.audit = audit
    self.accessTokenHash = accessTokenHash
  }

  /// The year the reference is numbered in: the creation year in Europe/London.
  public var referenceYear: Int { LondonTime.calendar.component(.year, from: createdAt) }

  public func makeCase(reference: CaseReference) -> Case {
    Case(
      id: id, reference: reference, kind: kind, status: status, priority: priority, channel: channel,
      subject: subject, requester: requester, team: team, tags: tags, clinicalFlag: clinicalFlag,
      emergencyFlag: emergencyFlag, createdAt: createdAt, receivedAt: receivedAt, updatedAt: createdAt,
      nextDueAt: Deadline.nextDue(deadlines))
  }

  /// The emails with the reference written in.
  public func outgoing(for reference: CaseReference) -> [OutgoingEmail] {
    outgoing.map { email in
      var filled = email
      filled.subject = email.subject.replacingPlaceholder(Self.referencePlaceholder, with: reference.description)
      filled.body = email.body.replacingPlaceholder(Self.referencePlaceholder, with: reference.description)
      return filled
    }
  }

  /// The messages with the reference written into system messages only (never into what a
  /// person wrote).
  public func messages(for reference: CaseReference) -> [CaseMessage] {
    messages.map { message in
      guard message.author == .system else { return message }
      var filled = message
      filled.body = message.body.replacingPlaceholder(Self.referencePlaceholder, with: reference.description)
      return filled
    }
  }
}

/// Changes to an existing case, saved in one transaction.
public struct CaseChange: Sendable {
  public var updated: Case
  public var tagsChanged: Bool
  public var newMessages: [CaseMessage]
  public var audit: [AuditEvent]
  public var newLinks: [CaseLink]
  /// Deadlines started or changed; the store writes them whole.
  public var deadlines: [Deadline]
  /// Emails to send once the change is stored.
  public var outgoing: [OutgoingEmail] = []
  /// A complaint's record as it is after the change, written whole.
  public var complaint: Complaint?
  /// The stage the complaint had when the change was made: the write fails with a conflict
  /// if another process moved it meanwhile, so a move (and its letter) happens once.
  public var complaintExpectedStage: ComplaintStage?
  /// The whole record the change was made from, when the change must not overwrite another
  /// made meanwhile (an investigation's): the write fails with a conflict if it differs.
  public var complaintExpected: Complaint?
  /// An incident's record as it is after the change, written whole.
  public var incident: Incident?
  /// Console notifications the change raises, written with it.
  public var notifications: [StaffNotification] = []
  /// Events for the outgoing webhooks, written with it (delivered by a job).
  public var webhooks: [WebhookEvent] = []

  public init(
    updated: Case, tagsChanged: Bool = false, newMessages: [CaseMessage] = [], audit: [AuditEvent] = [],
    newLinks: [CaseLink] = [],
    deadlines: [Deadline] = []
  ) {
    self.deadlines = deadlines
    self.updated = updated
    self.tagsChanged = tagsChanged
    self.newMessages = newMessages
    self.audit = audit
    self.newLinks = newLinks
  }
}

public protocol CaseRepository: Sendable {
  /// Allocates references and stores each draft with its messages and audit events.
  func create(_ drafts: [CaseDraft]) async throws -> [Case]
  func find(id: CaseID) async throws -> Case?
  func find(reference: CaseReference) async throws -> Case?
  func find(accessTokenHash: String) async throws -> Case?
  func messages(of caseID: CaseID) async throws -> [CaseMessage]
  func auditTrail(of caseID: CaseID) async throws -> [AuditEvent]
  func links(of caseID: CaseID) async throws -> [LinkedCase]
  /// A complaint's own record; nil for other kinds.
  func complaint(of caseID: CaseID) async throws -> Complaint?
  /// An incident's own record; nil for other kinds.
  func incident(of caseID: CaseID) async throws -> Incident?
  func list(_ query: CaseQuery) async throws -> CaseList
  func save(_ change: CaseChange) async throws
  func deadlines(of caseID: CaseID) async throws -> [Deadline]
  /// Deadlines of several cases at once (an inbox page).
  func deadlines(ofCases ids: [CaseID]) async throws -> [CaseID: [Deadline]]
}

/// In-console notifications for staff (deadline warnings and breaches; more kinds later).
public protocol NotificationRepository: Sendable {
  func notifications(for staffID: StaffID, limit: Int) async throws -> [StaffNotification]
  func unreadCount(for staffID: StaffID) async throws -> Int
  func markAllRead(for staffID: StaffID, at: Date) async throws
}

public protocol StaffRepository: Sendable {
  func create(_ user: StaffUser) async throws
  func find(id: StaffID) async throws -> StaffUser?
  func find(email: String) async throws -> StaffUser?
  func all() async throws -> [StaffUser]
  func count() async throws -> Int
  func update(_ user: StaffUser) async throws
}

public protocol TokenRepository: Sendable {
  func create(_ token: APIToken) async throws
  /// The token and its owner, when the token exists (revoked or not).
  func find(tokenHash: String) async throws -> (APIToken, StaffUser)?
  func tokens(of userID: StaffID) async throws -> [APIToken]
  func revoke(id: UUID, at: Date) async throws
}

extension String {
  /// Every occurrence of `placeholder` replaced by `value`, matched byte for byte. Used where
  /// Foundation's `replacingOccurrences` (which goes through `NSString`) showed in profiles of
  /// case creation, inside the serial commit.
  public func replacingPlaceholder(_ placeholder: String, with value: String) -> String {
    let text = Array(utf8)
    let pattern = Array(placeholder.utf8)
    guard !pattern.isEmpty, text.count >= pattern.count else { return self }
    var result: [UInt8] = []
    var index = 0
    var found = false
    while index < text.count {
      if text[index] == pattern[0], index + pattern.count <= text.count,
        text[index..<index + pattern.count].elementsEqual(pattern)
      {
        if !found {
          result.reserveCapacity(text.count + value.utf8.count)
          result.append(contentsOf: text[0..<index])
          found = true
        }
        result.append(contentsOf: value.utf8)
        index += pattern.count
      } else {
        if found { result.append(text[index]) }
        index += 1
      }
    }
    return found ? String(decoding: result, as: UTF8.self) : self
  }
}
