import Foundation

/// An incident's case and record together.
public struct IncidentCase: Sendable {
  public var record: Case
  public var incident: Incident
}

extension CaseService {
  /// Reports waiting for triage: flagged as possible incidents and not yet decided.
  public static let possibleIncidentTag = "possible-incident"
  public static let triagedTag = "triaged"
  /// The reporter's answers on the incident report form.
  public static let patientSafetyTag = "patient-safety"
  public static let personalDataTag = "personal-data"

  public func incident(_ id: CaseID) async throws -> IncidentCase {
    guard let record = try await cases.find(id: id) else { throw CaseworkError.caseNotFound }
    guard record.kind == .incident, let incident = try await cases.incident(of: id) else {
      throw CaseworkError.conflict("\(record.reference) is not an incident.")
    }
    return IncidentCase(record: record, incident: incident)
  }

  /// A support specialist's decision on a report (domain §6). Returns the incident it was
  /// declared as or linked to, if any.
  @discardableResult
  public func triage(_ reportID: CaseID, _ decision: TriageDecision, by actor: Actor) async throws -> IncidentCase? {
    guard let report = try await cases.find(id: reportID) else { throw CaseworkError.caseNotFound }
    guard report.kind != .incident else {
      throw CaseworkError.conflict("\(report.reference) is an incident, not a report to triage.")
    }
    guard !report.tags.contains(Self.triagedTag) else {
      throw CaseworkError.conflict("\(report.reference) has already been triaged.")
    }
    let now = clock.now().wholeMilliseconds
    switch decision {
    case .notAnIncident(let reason):
      guard let reason = InputRules.clean(reason) else {
        throw CaseworkError.invalid([FieldError(field: "reason", message: "Say why this is not an incident.")])
      }
      try await markTriaged(report, note: "Triage: not an incident. \(reason)", audit: "not an incident", by: actor, at: now)
      return nil
    case .declare(let subject, let impact, let urgency):
      let opened = try await declareIncident(
        subject: subject, impact: impact, urgency: urgency, reporter: report.requester, by: actor)
      _ = try await link(reportID, to: opened.record.reference.description, relation: .reportOf, by: actor)
      try await markTriaged(
        report, note: "Triage: declared as incident \(opened.record.reference).", audit: "declared \(opened.record.reference)",
        by: actor, at: now)
      return opened
    case .linkTo(let reference):
      guard let target = try await cases.find(reference: reference), target.kind == .incident else {
        throw CaseworkError.invalid([
          FieldError(field: "incident", message: "Enter the reference of an open incident, like INC-2026-000007.")
        ])
      }
      guard target.status.isActive else {
        throw CaseworkError.invalid([FieldError(field: "incident", message: "\(reference) is resolved or closed.")])
      }
      _ = try await link(reportID, to: reference.description, relation: .reportOf, by: actor)
      try await markTriaged(
        report, note: "Triage: linked to incident \(reference).", audit: "linked to \(reference)", by: actor, at: now)
      return try await incident(target.id)
    }
  }

  func markTriaged(_ report: Case, note: String, audit: String, by actor: Actor, at now: Date) async throws {
    var updated = report
    updated.tags.append(Self.triagedTag)
    updated.updatedAt = now
    try await cases.save(
      CaseChange(
        updated: updated, tagsChanged: true,
        newMessages: [CaseMessage(caseID: report.id, kind: .note, author: actor, body: note, createdAt: now)],
        audit: [
          AuditEvent(caseID: report.id, actor: actor, at: now, field: "triage", before: nil, after: audit),
          AuditEvent(
            caseID: report.id, actor: actor, at: now, field: "tags", before: report.tags.joined(separator: ","),
            after: updated.tags.joined(separator: ",")),
        ]))
  }

  /// Opens an incident directly (staff) or from triage: its severity from the matrix, and the
  /// `resolve` and `update` deadlines for that severity from the policy.
  public func declareIncident(
    subject: String, impact: IncidentImpact, urgency: IncidentUrgency, reporter: Requester, details: String? = nil,
    by actor: Actor
  ) async throws -> IncidentCase {
    let severity = SeverityMatrix.severity(impact: impact, urgency: urgency)
    let declared = "Incident declared. Impact \(impact.rawValue), urgency \(urgency.rawValue): severity \(severity)."
    let opened = try await open(
      NewCaseInput(
        kind: .incident, channel: .staff, subject: subject,
        description: details.map { String(($0 + "\n\n" + declared).unicodeScalars.prefix(InputRules.maxDescription)) }
          ?? declared,
        requesterName: reporter.name, requesterEmail: reporter.email),
      by: actor, autoReply: false)
    let now = clock.now().wholeMilliseconds
    let incident = Incident(caseID: opened.record.id, impact: impact, urgency: urgency, declaredAt: now)
    var updated = opened.record
    updated.status = .open
    updated.team = StaffRole.incidentManager.rawValue
    updated.updatedAt = now
    let engine = deadlineEngine.value
    let deadlines = engine.start(.incidentDeclared, caseID: updated.id, kind: .incident, severity: severity, at: now)
    var change = CaseChange(
      updated: updated,
      audit: [
        AuditEvent(caseID: updated.id, actor: actor, at: now, field: "severity", before: nil, after: String(severity)),
        AuditEvent(caseID: updated.id, actor: actor, at: now, field: "status", before: "new", after: "open"),
      ] + deadlines.map { Self.deadlineAudit(before: nil, after: $0, caseID: updated.id, by: actor, at: now) },
      deadlines: deadlines)
    change.incident = incident
    change.webhooks = [
      WebhookEvent.incident(
        "incident.declared", IncidentCase(record: updated, incident: incident),
        text: "Incident \(updated.reference) declared, severity \(severity): \(updated.subject)", at: now)
    ]
    try await cases.save(change)
    return IncidentCase(record: updated, incident: incident)
  }

  /// A new assessment: impact and urgency give the suggested severity; the incident manager
  /// may set another with a reason. The `resolve` and `update` deadlines are recomputed for
  /// the new severity from the same start.
  @discardableResult
  public func assessIncident(
    _ id: CaseID, impact: IncidentImpact, urgency: IncidentUrgency, override: (severity: Int, reason: String)?, by actor: Actor,
    staffID: StaffID?
  ) async throws -> IncidentCase {
    var current = try await incident(id)
    let now = clock.now().wholeMilliseconds
    let before = current.incident.severity
    current.incident.impact = impact
    current.incident.urgency = urgency
    if let override {
      let severity = try SeverityMatrix.validSeverity(override.severity)
      guard let reason = InputRules.clean(override.reason) else {
        throw CaseworkError.invalid([
          FieldError(
            field: "reason", message: "Say why the severity differs from the matrix's \(current.incident.suggestedSeverity).")
        ])
      }
      guard let staffID else { throw CaseworkError.forbidden("Only a member of staff can set the severity.") }
      current.incident.severityOverride = SeverityOverride(severity: severity, reason: reason, by: staffID, at: now)
      current.incident.severity = severity
    } else {
      current.incident.severityOverride = nil
      current.incident.severity = current.incident.suggestedSeverity
    }
    var audit = [
      AuditEvent(
        caseID: id, actor: actor, at: now, field: "assessment", before: nil,
        after: "impact \(impact.rawValue), urgency \(urgency.rawValue)")
    ]
    var deadlines: [Deadline] = []
    if before != current.incident.severity {
      audit.append(
        AuditEvent(
          caseID: id, actor: actor, at: now, field: "severity", before: String(before),
          after: String(current.incident.severity) + (override.map { " (\($0.reason))" } ?? "")))
      deadlines = try await rescheduleForSeverity(current, at: now)
      audit += deadlines.map { Self.deadlineAudit(before: nil, after: $0, caseID: id, by: actor, at: now) }
    }
    var updated = current.record
    updated.updatedAt = now
    var change = CaseChange(updated: updated, audit: audit, deadlines: deadlines)
    change.incident = current.incident
    if before != current.incident.severity {
      change.webhooks = [
        WebhookEvent.incident(
          "incident.severity_changed", IncidentCase(record: updated, incident: current.incident),
          text: "\(updated.reference) is now severity \(current.incident.severity) (was \(before)).", at: now)
      ]
    }
    try await cases.save(change)
    return IncidentCase(record: updated, incident: current.incident)
  }

  /// The open severity-dependent deadlines, recomputed for the new severity from their own
  /// start: a new length from the policy, the time already counted kept. A deadline the new
  /// severity does not have (updates for severity 3 and below) is met; one it gains starts now.
  func rescheduleForSeverity(_ current: IncidentCase, at now: Date) async throws -> [Deadline] {
    let engine = deadlineEngine.value
    let existing = try await cases.deadlines(of: current.record.id)
    let fresh = engine.start(
      .incidentDeclared, caseID: current.record.id, kind: .incident, severity: current.incident.severity,
      at: current.incident.declaredAt)
    var changed: [Deadline] = []
    for name in ["resolve", "update"] {
      let open = existing.first { $0.name == name && $0.isOpen }
      let wanted = fresh.first { $0.name == name }
      switch (open, wanted) {
      case (var open?, let wanted?):
        open.clock = wanted.clock
        open.length = wanted.length
        (open.dueAt, open.warnAt) = engine.calendars.schedule(open)
        changed.append(open)
      case (var open?, nil):
        open.state = .met
        open.metAt = now
        changed.append(open)
      case (nil, var wanted?):
        wanted.startAt = now
        (wanted.dueAt, wanted.warnAt) = engine.calendars.schedule(wanted)
        changed.append(wanted)
      case (nil, nil): break
      }
    }
    return changed
  }
}

extension CaseService {
  /// Adds to the timeline. A public update meets the `update` deadline and, for the severities
  /// that have one, starts the next; publishing puts the incident on the status page.
  @discardableResult
  public func addIncidentUpdate(_ id: CaseID, text: String, isPublic: Bool, publish: Bool = false, by actor: Actor, name: String)
    async throws -> IncidentCase
  {
    guard !InputRules.isTooLong(text, max: InputRules.maxIncidentUpdate), let text = InputRules.clean(text) else {
      throw CaseworkError.invalid([FieldError(field: "text", message: "Write the update, in 5,000 characters or fewer.")])
    }
    var current = try await incident(id)
    let now = clock.now().wholeMilliseconds
    current.incident.updates.append(IncidentUpdate(at: now, text: text, isPublic: isPublic, by: name))
    var audit = [
      AuditEvent(
        caseID: id, actor: actor, at: now, field: "incident.update", before: nil, after: isPublic ? "public" : "internal")
    ]
    if publish && current.incident.publishedAt == nil {
      current.incident.publishedAt = now
      audit.append(AuditEvent(caseID: id, actor: actor, at: now, field: "incident.published", before: nil, after: "status page"))
    }
    var deadlines: [Deadline] = []
    if isPublic {
      let engine = deadlineEngine.value
      let existing = try await cases.deadlines(of: id)
      deadlines = engine.apply(.publicUpdate, kind: .incident, severity: current.incident.severity, to: existing, at: now)
      let stillOpen = existing.filter { old in old.isOpen && !deadlines.contains { $0.id == old.id } }
      // The next update is due one interval after this one.
      deadlines += engine.start(
        .incidentDeclared, caseID: id, kind: .incident, severity: current.incident.severity, at: now, existing: stillOpen
      ).filter { $0.name == "update" }
      audit += deadlines.map { Self.deadlineAudit(before: nil, after: $0, caseID: id, by: actor, at: now) }
    }
    var updated = current.record
    updated.updatedAt = now
    var change = CaseChange(updated: updated, audit: audit, deadlines: deadlines)
    change.incident = current.incident
    change.webhooks = [
      WebhookEvent.incident(
        "incident.update", IncidentCase(record: updated, incident: current.incident),
        text: "\(updated.reference) update (\(isPublic ? "public" : "internal")): \(text)", at: now)
    ]
    try await cases.save(change)
    return IncidentCase(record: updated, incident: current.incident)
  }
}
