import Foundation

/// The current time. Tests pass a fixed one.
public protocol WallClock: Sendable {
  func now() -> Date
}

public struct SystemWallClock: WallClock {
  public init() {}
  public func now() -> Date { Date() }
}

extension Date {
  /// Whole milliseconds: what both databases store and read back exactly, so a value written
  /// and read again compares equal and keyset cursors stay exact.
  public var wholeMilliseconds: Date {
    Date(timeIntervalSinceReferenceDate: (timeIntervalSinceReferenceDate * 1000).rounded() / 1000)
  }
}

public struct FixedWallClock: WallClock {
  public var instant: Date
  public init(_ instant: Date) { self.instant = instant }
  public func now() -> Date { instant }
}

/// A clock for tests and demos: moves on by `step` each time it is read (so events keep their
/// order) and can be moved by hand.
public final class SteppingWallClock: WallClock, @unchecked Sendable {
  // @unchecked: `current` is only read or written while holding `lock`.
  private let lock = NSLock()
  private var current: Date
  private let step: TimeInterval

  public init(start: Date, step: TimeInterval = 0.001) {
    current = start
    self.step = step
  }

  public func now() -> Date {
    lock.lock()
    defer { lock.unlock() }
    current = current.addingTimeInterval(step)
    return current
  }

  public func advance(by seconds: TimeInterval) {
    lock.lock()
    current = current.addingTimeInterval(seconds)
    lock.unlock()
  }
}

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
      subject: subject, requester: requester, tags: tags, clinicalFlag: clinicalFlag,
      emergencyFlag: emergencyFlag, createdAt: createdAt, receivedAt: receivedAt, updatedAt: createdAt)
  }

  /// The messages with the reference written into system messages only (never into what a
  /// person wrote).
  public func messages(for reference: CaseReference) -> [CaseMessage] {
    messages.map { message in
      guard message.author == .system else { return message }
      var filled = message
      filled.body = message.body.replacingOccurrences(of: Self.referencePlaceholder, with: reference.description)
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

  public init(updated: Case, tagsChanged: Bool = false, newMessages: [CaseMessage] = [], audit: [AuditEvent] = [], newLinks: [CaseLink] = []) {
    self.updated = updated
    self.tagsChanged = tagsChanged
    self.newMessages = newMessages
    self.audit = audit
    self.newLinks = newLinks
  }
}

public enum CaseSort: String, Sendable, CaseIterable, Codable {
  case newest, oldest, updated
}

/// Filters for the inbox and the API listing.
public struct CaseQuery: Sendable, Equatable {
  public enum AssigneeFilter: Sendable, Equatable {
    case anyone, unassigned, user(StaffID)
  }

  public var statuses: [CaseStatus]
  public var kind: CaseKind?
  public var assignee: AssigneeFilter
  public var tag: String?
  public var text: String?
  public var sort: CaseSort
  public var limit: Int
  public var offset: Int
  /// Keyset cursor for `newest` order: continue after this case.
  public var after: CaseCursor?
  /// Count every match too (the inbox shows pages); the API's cursor listing skips it.
  public var includeTotal: Bool

  public init(
    statuses: [CaseStatus] = [], kind: CaseKind? = nil, assignee: AssigneeFilter = .anyone, tag: String? = nil,
    text: String? = nil, sort: CaseSort = .newest, limit: Int = 25, offset: Int = 0, after: CaseCursor? = nil,
    includeTotal: Bool = false
  ) {
    self.includeTotal = includeTotal
    self.statuses = statuses
    self.kind = kind
    self.assignee = assignee
    self.tag = tag
    self.text = text
    self.sort = sort
    self.limit = limit
    self.offset = offset
    self.after = after
  }
}

/// Position in the newest-first order: creation time, then id.
public struct CaseCursor: Sendable, Equatable {
  public var createdAt: Date
  public var id: CaseID

  public init(createdAt: Date, id: CaseID) {
    self.createdAt = createdAt
    self.id = id
  }

  /// Opaque text form for URLs: the exact instant (shortest round-trip text of the double) and id.
  public var token: String {
    Data("\(createdAt.timeIntervalSinceReferenceDate)_\(id.uuidString.lowercased())".utf8).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  public init?(token: String) {
    var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
    let parts = text.split(separator: "_")
    guard parts.count == 2, let seconds = Double(parts[0]), seconds.isFinite, let id = UUID(uuidString: String(parts[1])) else {
      return nil
    }
    createdAt = Date(timeIntervalSinceReferenceDate: seconds)
    self.id = id
  }
}

public struct CaseList: Sendable {
  public var cases: [Case]
  /// Total matching the filters (without limit), for page counts; -1 when not counted.
  public var total: Int
  public var nextCursor: CaseCursor?

  public init(cases: [Case], total: Int, nextCursor: CaseCursor?) {
    self.cases = cases
    self.total = total
    self.nextCursor = nextCursor
  }
}

/// A case linked to another, as shown on the case page.
public struct LinkedCase: Sendable, Equatable {
  public var relation: CaseLinkRelation
  /// True when this case is the link's source.
  public var outgoing: Bool
  public var id: CaseID
  public var reference: CaseReference
  public var subject: String

  public init(relation: CaseLinkRelation, outgoing: Bool, id: CaseID, reference: CaseReference, subject: String) {
    self.relation = relation
    self.outgoing = outgoing
    self.id = id
    self.reference = reference
    self.subject = subject
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
  func list(_ query: CaseQuery) async throws -> CaseList
  func save(_ change: CaseChange) async throws
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

/// Europe/London, the zone every date in the domain is read in.
public enum LondonTime {
  public static let timeZone = TimeZone(identifier: "Europe/London")!
  public static let calendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    calendar.locale = Locale(identifier: "en_GB")
    return calendar
  }()
}
