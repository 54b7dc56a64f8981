import Foundation

public typealias CaseID = UUID
public typealias StaffID = UUID

/// The person a case is for. The NHS number is kept in its own field and masked elsewhere.
public struct Requester: Sendable, Codable, Equatable {
  public var name: String
  public var email: String
  public var phone: String?
  public var organisation: String?
  public var nhsNumber: NHSNumber?

  public init(name: String, email: String, phone: String? = nil, organisation: String? = nil, nhsNumber: NHSNumber? = nil) {
    self.name = name
    self.email = email
    self.phone = phone
    self.organisation = organisation
    self.nhsNumber = nhsNumber
  }
}

/// One case as stored: a support request, complaint or incident (domain §1).
public struct Case: Sendable, Codable, Equatable, Identifiable {
  public var id: CaseID
  public var reference: CaseReference
  public var kind: CaseKind
  public var status: CaseStatus
  public var priority: CasePriority
  public var channel: Channel
  public var subject: String
  public var requester: Requester
  public var assigneeID: StaffID?
  public var team: String?
  public var tags: [String]
  /// Screening found likely clinical content.
  public var clinicalFlag: Bool
  /// Screening found emergency wording; a human must read it.
  public var emergencyFlag: Bool
  public var createdAt: Date
  /// When the message really reached us (staff may record an earlier date for post or phone).
  public var receivedAt: Date
  public var updatedAt: Date
  /// The target of its most urgent deadline that is not met (breached ones included): what
  /// the inbox sorts by. Kept by the store.
  public var nextDueAt: Date?

  public init(
    id: CaseID, reference: CaseReference, kind: CaseKind, status: CaseStatus, priority: CasePriority,
    channel: Channel, subject: String, requester: Requester, assigneeID: StaffID? = nil, team: String? = nil,
    tags: [String] = [], clinicalFlag: Bool = false, emergencyFlag: Bool = false, createdAt: Date,
    receivedAt: Date, updatedAt: Date, nextDueAt: Date? = nil
  ) {
    self.nextDueAt = nextDueAt
    self.id = id
    self.reference = reference
    self.kind = kind
    self.status = status
    self.priority = priority
    self.channel = channel
    self.subject = subject
    self.requester = requester
    self.assigneeID = assigneeID
    self.team = team
    self.tags = tags
    self.clinicalFlag = clinicalFlag
    self.emergencyFlag = emergencyFlag
    self.createdAt = createdAt
    self.receivedAt = receivedAt
    self.updatedAt = updatedAt
  }
}

/// Who did something: staff, the requester through their private link, an API token, or
/// Casework itself.
public enum Actor: Sendable, Equatable, Codable, CustomStringConvertible {
  case staff(StaffID)
  case requester
  case apiToken(UUID)
  case system

  /// Stable text form stored in the audit trail (`staff:<uuid>`, `requester`, ...).
  public var description: String {
    switch self {
    case .staff(let id): "staff:\(id.lowercaseString)"
    case .requester: "requester"
    case .apiToken(let id): "api:\(id.lowercaseString)"
    case .system: "system"
    }
  }

  public init?(_ text: String) {
    if text == "requester" { self = .requester; return }
    if text == "system" { self = .system; return }
    if text.hasPrefix("staff:"), let id = UUID(uuidString: String(text.dropFirst(6))) {
      self = .staff(id)
      return
    }
    if text.hasPrefix("api:"), let id = UUID(uuidString: String(text.dropFirst(4))) {
      self = .apiToken(id)
      return
    }
    return nil
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let actor = Actor(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Unknown actor"))
    }
    self = actor
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

public enum MessageKind: String, Sendable, Codable, CaseIterable {
  /// From the requester.
  case inbound
  /// From us to the requester.
  case outbound
  /// Staff only; never shown to the requester.
  case note
}

/// One entry of a case's conversation.
public struct CaseMessage: Sendable, Codable, Equatable, Identifiable {
  public var id: UUID
  public var caseID: CaseID
  public var kind: MessageKind
  public var author: Actor
  public var body: String
  public var createdAt: Date

  public init(id: UUID = .timeOrdered(), caseID: CaseID, kind: MessageKind, author: Actor, body: String, createdAt: Date) {
    self.id = id
    self.caseID = caseID
    self.kind = kind
    self.author = author
    self.body = body
    self.createdAt = createdAt
  }

  public var isVisibleToRequester: Bool { kind != .note }
}

/// One change to a case: who, when, which field, before and after.
public struct AuditEvent: Sendable, Codable, Equatable {
  public var id: UUID
  public var caseID: CaseID
  public var actor: Actor
  public var at: Date
  public var field: String
  public var before: String?
  public var after: String?

  public init(id: UUID = .timeOrdered(), caseID: CaseID, actor: Actor, at: Date, field: String, before: String?, after: String?) {
    self.id = id
    self.caseID = caseID
    self.actor = actor
    self.at = at
    self.field = field
    self.before = before
    self.after = after
  }
}

public enum CaseLinkRelation: String, Sendable, Codable, CaseIterable {
  case related
  case duplicateOf = "duplicate_of"
  case raisedFrom = "raised_from"
  case reportOf = "report_of"
}

/// A directed link between two cases.
public struct CaseLink: Sendable, Codable, Equatable {
  public var fromCaseID: CaseID
  public var toCaseID: CaseID
  public var relation: CaseLinkRelation
  public var createdAt: Date

  public init(fromCaseID: CaseID, toCaseID: CaseID, relation: CaseLinkRelation, createdAt: Date) {
    self.fromCaseID = fromCaseID
    self.toCaseID = toCaseID
    self.relation = relation
    self.createdAt = createdAt
  }
}
