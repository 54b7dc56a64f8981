import Foundation

/// Whether a requester's new words ask for escalation (domain §4: "reply to the response you
/// received and say you wish to escalate"). The rule: a form of "escalate" or "escalation",
/// not negated in the few words before it ("don't", "do not", "no need to", "not", "never",
/// "without"), and not a question about what escalation is. Only the new text of a reply is
/// read, never the quoted history.
public enum EscalationRequest {
  static let negations: Set<String> = [
    "not", "don't", "dont", "don’t", "never", "without", "no", "needn't", "shouldn't", "won't",
  ]

  public static func isRequested(in text: String) -> Bool {
    let words = text.lowercased().split(whereSeparator: { !($0.isLetter || $0 == "'" || $0 == "’") }).map(String.init)
    for (index, word) in words.enumerated() where word.hasPrefix("escalat") {
      let before = words[max(0, index - 4)..<index]
      if before.contains(where: negations.contains) { continue }
      // "What does escalation mean?" / "how do I escalate" ask about it, they do not ask for it.
      let window = words[max(0, index - 4)..<min(words.count, index + 2)]
      if window.contains("how") || (window.contains("what") && !window.contains("wish")) { continue }
      return true
    }
    return false
  }
}

extension CaseService {
  /// The team an escalated case goes to (domain §4).
  public static let escalationTeam = StaffRole.supportManager.rawValue
  /// The tag an escalated case carries.
  public static let escalatedTag = "escalated"

  /// Escalates a case to the support team managers: the `escalation_response` deadline starts,
  /// the case is tagged and its team set, and the requester is told who will handle it and by
  /// when. Escalating twice while the deadline runs changes nothing more, and a complaint or
  /// an incident is not escalated.
  @discardableResult
  public func escalate(_ id: CaseID, by actor: Actor, autoReply: Bool = true) async throws -> Case {
    guard let current = try await cases.find(id: id) else { throw CaseworkError.caseNotFound }
    // Escalation is a support request's route to a manager; complaints and incidents are with
    // them already, under processes of their own.
    guard current.kind == .supportRequest else { return current }
    let existing = try await cases.deadlines(of: id)
    if existing.contains(where: { $0.name == "escalation_response" && ($0.isOpen || $0.state == .breached && $0.metAt == nil) }) {
      return current
    }
    let now = clock.now().wholeMilliseconds
    var updated = current
    updated.team = Self.escalationTeam
    updated.updatedAt = now
    let managers = try await escalationManagers()
    // The managers take it: a specialist's assignment ends, a manager's stays.
    if let assignee = current.assigneeID, !managers.contains(where: { $0.id == assignee }) { updated.assigneeID = nil }
    if !updated.tags.contains(Self.escalatedTag) { updated.tags.append(Self.escalatedTag) }
    if updated.status == .resolved || updated.status == .closed || updated.status == .pendingRequester { updated.status = .open }
    let (deadlines, deadlineAudit) = try await deadlineChanges([.escalationRequested], for: updated, by: actor, at: now)
    let due = deadlines.first { $0.name == "escalation_response" }?.dueAt
    let dueText = due.map { " by the end of " + Self.longDate(LocalDate($0)) } ?? ""
    let message = CaseMessage(
      caseID: id, kind: .outbound, author: .system,
      body:
        "You asked us to escalate \(current.reference). It is now with a support team manager, who will respond to you\(dueText).",
      createdAt: now)
    var audit = fieldChanges(from: current, to: updated, by: actor, at: now)
    audit.append(AuditEvent(caseID: id, actor: actor, at: now, field: "escalation", before: nil, after: "requested"))
    audit.append(AuditEvent(caseID: id, actor: actor, at: now, field: "team", before: current.team, after: updated.team))
    var change = CaseChange(
      updated: updated, tagsChanged: true, newMessages: [message], audit: audit + deadlineAudit, deadlines: deadlines)
    if autoReply,
      let email = OutgoingEmail.carrying(
        message, reference: current.reference.description, subject: current.subject, requester: current.requester,
        automatic: true,
        reply: true, link: caseLinks?.url(for: id))
    {
      change.outgoing = [email]
    }
    let dueWords = due.map { " A response is due by the end of " + Self.longDate(LocalDate($0)) + "." } ?? ""
    let alert = "\(current.reference) was escalated by the requester.\(dueWords)"
    change.notifications = managers.map {
      StaffNotification(recipientID: $0.id, caseID: id, kind: .escalation, message: alert, createdAt: now)
    }
    // Each manager hears by email too; the subject names no person, only the reference.
    change.outgoing += zip(change.notifications, managers).map { notification, manager in
      OutgoingEmail(
        caseID: id, caseMessageID: notification.id, toName: manager.name, toAddress: manager.email,
        subject: "Escalation: \(current.reference)",
        body: alert + (caseLinks.map { "\n\nOpen the case: " + $0.consoleURL(for: id) } ?? ""), isAutomatic: false,
        createdAt: now)
    }
    try await cases.save(change)
    return updated
  }

  /// The people an escalation goes to: the active support team managers, or the active
  /// administrators when there is no manager, so that it always reaches a person.
  public func escalationManagers() async throws -> [StaffUser] {
    try await people.managersOrAdministrators()
  }

  /// "Friday 27 November 2026".
  public static func longDate(_ date: LocalDate) -> String {
    "\(date.weekdayName) \(date.longText)"
  }
}

/// An escalation waiting for a manager's answer: the Escalations queue.
public struct OpenEscalation: Sendable, Equatable {
  public var record: Case
  public var deadline: Deadline
}

extension CaseService {
  /// Every escalation whose response is not yet given, the earliest due first. Escalated
  /// cases are few; every page of them is read, so the queue is never cut short.
  public func openEscalations() async throws -> [OpenEscalation] {
    var found: [OpenEscalation] = []
    var query = CaseQuery(tag: Self.escalatedTag, sort: .newest, limit: 200)
    query.includeDeadlines = true
    while true {
      let page = try await cases.list(query)
      for record in page.cases {
        let deadline = page.deadlines[record.id]?.first {
          $0.name == "escalation_response" && $0.metAt == nil && ($0.isOpen || $0.state == .breached)
        }
        if let deadline { found.append(OpenEscalation(record: record, deadline: deadline)) }
      }
      guard let next = page.nextCursor, !page.cases.isEmpty else { break }
      query.after = next
    }
    return found.sorted {
      ($0.deadline.dueAt ?? .distantFuture, $0.record.id.uuidString) < (
        $1.deadline.dueAt ?? .distantFuture, $1.record.id.uuidString
      )
    }
  }
}
