import CaseworkCore
import Foundation

/// A test double for `CaseRepository`: the same contract as the SQL store, held in memory.
public actor InMemoryCaseRepository: CaseRepository {
  private var cases: [CaseID: Case] = [:]
  private var tokenHashes: [String: CaseID] = [:]
  private var messagesByCase: [CaseID: [CaseMessage]] = [:]
  private var auditByCase: [CaseID: [AuditEvent]] = [:]
  private var links: [CaseLink] = []
  private var counters: [String: Int] = [:]
  private var deadlinesByCase: [CaseID: [Deadline]] = [:]
  private var complaints: [CaseID: Complaint] = [:]
  private var incidents: [CaseID: Incident] = [:]

  public init() {}
  /// What changes queued: emails and console notifications, in order.
  public private(set) var outgoing: [OutgoingEmail] = []
  public private(set) var notifications: [StaffNotification] = []

  public func create(_ drafts: [CaseDraft]) async throws -> [Case] {
    drafts.map { draft in
      let key = "\(draft.kind.rawValue)-\(draft.referenceYear)"
      let number = (counters[key] ?? 0) + 1
      counters[key] = number
      let reference = CaseReference(kind: draft.kind, year: draft.referenceYear, number: number)
      let record = draft.makeCase(reference: reference)
      cases[record.id] = record
      if let hash = draft.accessTokenHash { tokenHashes[hash] = record.id }
      messagesByCase[record.id] = draft.messages(for: reference)
      auditByCase[record.id] = draft.audit
      deadlinesByCase[record.id] = draft.deadlines
      complaints[record.id] = draft.complaint
      outgoing += draft.outgoing
      return record
    }
  }

  public func find(id: CaseID) async throws -> Case? { cases[id] }
  public func find(reference: CaseReference) async throws -> Case? { cases.values.first { $0.reference == reference } }
  public func find(accessTokenHash: String) async throws -> Case? { tokenHashes[accessTokenHash].flatMap { cases[$0] } }
  public func messages(of caseID: CaseID) async throws -> [CaseMessage] { messagesByCase[caseID] ?? [] }
  public func auditTrail(of caseID: CaseID) async throws -> [AuditEvent] { auditByCase[caseID] ?? [] }

  public func links(of caseID: CaseID) async throws -> [LinkedCase] {
    links.compactMap { link in
      if link.fromCaseID == caseID, let other = cases[link.toCaseID] {
        return LinkedCase(
          relation: link.relation, outgoing: true, id: other.id, reference: other.reference, subject: other.subject)
      }
      if link.toCaseID == caseID, let other = cases[link.fromCaseID] {
        return LinkedCase(
          relation: link.relation, outgoing: false, id: other.id, reference: other.reference, subject: other.subject)
      }
      return nil
    }
  }

  public func list(_ query: CaseQuery) async throws -> CaseList {
    var matching = cases.values.filter { record in
      (query.statuses.isEmpty || query.statuses.contains(record.status)) && (query.kind == nil || query.kind == record.kind)
        && (query.tag == nil || record.tags.contains(query.tag!)) && !query.excludedKinds.contains(record.kind)
        && (query.withoutTag == nil || !record.tags.contains(query.withoutTag!))
    }
    matching.sort { ($0.createdAt, $0.id.uuidString) > ($1.createdAt, $1.id.uuidString) }
    if query.sort == .oldest { matching.reverse() }
    let page = Array(matching.dropFirst(query.offset).prefix(query.limit))
    let deadlines =
      query.includeDeadlines ? Dictionary(uniqueKeysWithValues: page.map { ($0.id, deadlinesByCase[$0.id] ?? []) }) : [:]
    return CaseList(cases: page, total: matching.count, nextCursor: nil, deadlines: deadlines)
  }

  public func complaint(of caseID: CaseID) async throws -> Complaint? { complaints[caseID] }
  public func incident(of caseID: CaseID) async throws -> Incident? { incidents[caseID] }

  public func save(_ change: CaseChange) async throws {
    // As the SQL store: a change made from a record someone has since changed is refused.
    if let expected = change.complaintExpected, complaints[change.updated.id] != expected {
      throw CaseworkError.conflict("This complaint was changed by someone else meanwhile. Reload it and try again.")
    }
    cases[change.updated.id] = change.updated
    if let complaint = change.complaint { complaints[change.updated.id] = complaint }
    if let incident = change.incident { incidents[change.updated.id] = incident }
    messagesByCase[change.updated.id, default: []] += change.newMessages
    auditByCase[change.updated.id, default: []] += change.audit
    links += change.newLinks
    outgoing += change.outgoing
    notifications += change.notifications
    var deadlines = deadlinesByCase[change.updated.id] ?? []
    for deadline in change.deadlines {
      if let index = deadlines.firstIndex(where: { $0.id == deadline.id }) {
        deadlines[index] = deadline
      } else {
        deadlines.append(deadline)
      }
    }
    deadlinesByCase[change.updated.id] = deadlines
    cases[change.updated.id]?.nextDueAt = Deadline.nextDue(deadlines)
  }

  public func deadlines(of caseID: CaseID) async throws -> [Deadline] { deadlinesByCase[caseID] ?? [] }

  public func deadlines(ofCases ids: [CaseID]) async throws -> [CaseID: [Deadline]] {
    Dictionary(uniqueKeysWithValues: ids.map { ($0, deadlinesByCase[$0] ?? []) })
  }
}

/// Hex of the text's UTF-8, reversed: a stand-in digest that is deterministic and one-to-one.
public struct ReversingHasher: SecretHasher {
  public init() {}
  public func digest(_ secret: String) -> String { String(secret.reversed()) }
}

/// A test double for `StaffRepository`.
public actor InMemoryStaffRepository: StaffRepository {
  private var users: [StaffUser]

  public init(_ users: [StaffUser] = []) { self.users = users }

  public func create(_ user: StaffUser) async throws { users.append(user) }
  public func find(id: StaffID) async throws -> StaffUser? { users.first { $0.id == id } }
  public func find(email: String) async throws -> StaffUser? { users.first { $0.email == email } }
  public func all() async throws -> [StaffUser] { users }
  public func count() async throws -> Int { users.count }
  public func update(_ user: StaffUser) async throws {
    if let index = users.firstIndex(where: { $0.id == user.id }) { users[index] = user }
  }
}

/// A test double for `TokenRepository`.
public actor InMemoryTokenRepository: TokenRepository {
  private var tokens: [APIToken] = []
  private let staff: InMemoryStaffRepository?

  public init(staff: InMemoryStaffRepository? = nil) { self.staff = staff }

  public func create(_ token: APIToken) async throws { tokens.append(token) }
  public func find(tokenHash: String) async throws -> (APIToken, StaffUser)? {
    guard let token = tokens.first(where: { $0.tokenHash == tokenHash }),
      let owner = try await staff?.find(id: token.userID)
    else { return nil }
    return (token, owner)
  }
  public func tokens(of userID: StaffID) async throws -> [APIToken] { tokens.filter { $0.userID == userID } }
  public func revoke(id: UUID, at: Date) async throws {
    if let index = tokens.firstIndex(where: { $0.id == id }) { tokens[index].revokedAt = at }
  }
}
