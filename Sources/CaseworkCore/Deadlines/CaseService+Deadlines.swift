import Foundation

extension CaseService {
  /// What a list of events does to a case's deadlines: those it meets, pauses or resumes, and
  /// those it starts, each with an audit event so the case page shows the deadline's history.
  func deadlineChanges(_ events: [DeadlineEvent], for record: Case, by actor: Actor, at now: Date) async throws -> (
    [Deadline], [AuditEvent]
  ) {
    guard !events.isEmpty else { return ([], []) }
    let engine = deadlineEngine.value
    // Incident deadlines differ by severity: the rules are looked up for the one in force.
    let severity = record.kind == .incident ? try await cases.incident(of: record.id)?.severity : nil
    var all = try await cases.deadlines(of: record.id)
    var changedIDs: [UUID] = []
    var audit: [AuditEvent] = []
    for event in events {
      for changed in engine.apply(event, kind: record.kind, severity: severity, priority: record.priority, to: all, at: now) {
        guard let index = all.firstIndex(where: { $0.id == changed.id }) else { continue }
        let before = all[index]
        all[index] = changed
        if !changedIDs.contains(changed.id) { changedIDs.append(changed.id) }
        audit.append(Self.deadlineAudit(before: before, after: changed, caseID: record.id, by: actor, at: now))
      }
      for started in engine.start(
        event, caseID: record.id, kind: record.kind, severity: severity, priority: record.priority, at: now, existing: all)
      {
        all.append(started)
        changedIDs.append(started.id)
        audit.append(Self.deadlineAudit(before: nil, after: started, caseID: record.id, by: actor, at: now))
      }
    }
    return (all.filter { changedIDs.contains($0.id) }, audit)
  }

  static func deadlineAudit(before: Deadline?, after: Deadline, caseID: CaseID, by actor: Actor, at now: Date) -> AuditEvent {
    AuditEvent(
      caseID: caseID, actor: actor, at: now, field: "deadline.\(after.name)", before: before.map(summary), after: summary(after))
  }

  /// "running, due 2026-11-24T23:59:59Z", "met", "paused".
  public static func summary(_ deadline: Deadline) -> String {
    guard let due = deadline.dueAt, deadline.state == .running || deadline.state == .breached else {
      return deadline.state.rawValue
    }
    return "\(deadline.state.rawValue), due \(ISO8601DateFormatter().string(from: due))"
  }

  /// Sets a new target for a deadline, with the reason, and records who did it.
  @discardableResult
  public func extendDeadline(_ deadlineID: UUID, of id: CaseID, to newDueAt: Date, reason: String, by actor: Actor, name: String)
    async throws -> Deadline
  {
    guard var record = try await cases.find(id: id) else { throw CaseworkError.caseNotFound }
    guard let current = try await cases.deadlines(of: id).first(where: { $0.id == deadlineID }) else {
      throw CaseworkError.invalid([FieldError(field: "deadline", message: "This case has no such deadline.")])
    }
    if let refusal = DeadlineExtensionRule.refusal(kind: record.kind, deadline: current.name) {
      throw CaseworkError.forbidden(refusal)
    }
    let now = clock.now().wholeMilliseconds
    let engine = deadlineEngine.value
    let extended = try engine.extend(current, to: newDueAt, reason: reason, by: name, at: now)
    record.updatedAt = now
    var audit = Self.deadlineAudit(before: current, after: extended, caseID: id, by: actor, at: now)
    audit.after = (audit.after ?? "") + " (extended: \(extended.extensions.last?.reason ?? ""))"
    try await cases.save(CaseChange(updated: record, audit: [audit], deadlines: [extended]))
    return extended
  }
}

/// Which deadlines a person may move by hand (with `Permission.extendDeadlines`). Complaints
/// have their own flow: the investigation is delayed only with a letter to the complainant,
/// and the acknowledgement never. The 72-hour clock to report a personal data breach to the
/// ICO is set by law (UK GDPR Article 33): never moved, and never revived once breached.
public enum DeadlineExtensionRule {
  public static let statutory: Set<String> = ["breach_report"]

  /// Why this deadline cannot be given a new date here, or nil when it can.
  public static func refusal(kind: CaseKind, deadline name: String) -> String? {
    if statutory.contains(name) {
      return "The 72-hour deadline to report a personal data breach to the ICO is set by law and cannot be moved."
    }
    if kind == .complaint {
      return
        "A complaint's deadlines move only with a delay notice to the complainant: use \"Delay the investigation\" on the complaint page."
    }
    return nil
  }
}
