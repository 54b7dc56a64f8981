import Foundation

/// A report waiting for triage, with what the triager needs to decide: its first message
/// and the reporter's answers.
public struct TriageReport: Sendable {
  public var record: Case
  /// The reporter's own words (the first inbound message).
  public var text: String
  /// The reporter's answers and what screening saw, in words.
  public var answers: [String]
}

/// One page of the triage queue, oldest first.
public struct TriagePage: Sendable {
  public var reports: [TriageReport]
  /// Every report waiting, on this page or others.
  public var total: Int
  public var offset: Int
  public var limit: Int

  public var hasMore: Bool { offset + reports.count < total }
}

extension CaseService {
  /// Reports waiting for triage (domain §6): active cases tagged as a possible incident that
  /// are not incidents and not yet triaged, oldest first, a page at a time, filtered by the
  /// database so that no report is cut off the queue however many are waiting.
  public func triageQueue(limit: Int = 50, offset: Int = 0) async throws -> TriagePage {
    var query = CaseQuery(limit: max(1, min(limit, 200)), offset: max(0, offset), includeTotal: true)
    query.tag = Self.possibleIncidentTag
    query.withoutTag = Self.triagedTag
    query.excludedKinds = [.incident]
    query.statuses = CaseStatus.allCases.filter(\.isActive)
    query.sort = .oldest
    let list = try await cases.list(query)
    var reports: [TriageReport] = []
    for record in list.cases {
      let first = try await cases.messages(of: record.id).first { $0.kind == .inbound }
      reports.append(TriageReport(record: record, text: first?.body ?? "", answers: Self.triageAnswers(record)))
    }
    return TriagePage(reports: reports, total: list.total, offset: query.offset, limit: query.limit)
  }

  static func triageAnswers(_ record: Case) -> [String] {
    var answers: [String] = []
    if record.tags.contains(patientSafetyTag) { answers.append("Patient safety could be affected") }
    if record.tags.contains(personalDataTag) { answers.append("Personal data involved") }
    if record.tags.contains(notifyOnResolutionTag) { answers.append("Wants to be told when it is resolved") }
    if record.emergencyFlag { answers.append("Emergency wording") }
    return answers
  }
}
