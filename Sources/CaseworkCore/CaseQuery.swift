import Foundation

public enum CaseSort: String, Sendable, CaseIterable, Codable {
  case newest, oldest, updated
  /// Most urgent deadline first.
  case deadline
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
  /// Cases of these kinds are left out.
  public var excludedKinds: [CaseKind] = []
  /// Cases carrying this tag are left out.
  public var withoutTag: String?
  public var text: String?
  public var sort: CaseSort
  public var limit: Int
  public var offset: Int
  /// Keyset cursor for `newest` order: continue after this case.
  public var after: CaseCursor?
  /// Count every match too (the inbox shows pages); the API's cursor listing skips it.
  public var includeTotal: Bool
  /// Fetch each listed case's deadlines in the same statement.
  public var includeDeadlines: Bool = false

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
    Base64URL.encode(Array("\(createdAt.timeIntervalSinceReferenceDate)_\(id.lowercaseString)".utf8))
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
  /// Deadlines of the listed cases, when the query asked for them.
  public var deadlines: [CaseID: [Deadline]]

  public init(cases: [Case], total: Int, nextCursor: CaseCursor?, deadlines: [CaseID: [Deadline]] = [:]) {
    self.deadlines = deadlines
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
