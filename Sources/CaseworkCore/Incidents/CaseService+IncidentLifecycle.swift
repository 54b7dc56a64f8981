import Foundation

extension CaseService {
  /// Resolves an incident with its summary (required). Meets `resolve` and `update`, and tells
  /// every reporter who asked (`notify-on-resolution`) by email on their own report.
  @discardableResult
  public func resolveIncident(_ id: CaseID, summary: String, by actor: Actor) async throws -> IncidentCase {
    guard let summary = InputRules.clean(summary) else {
      throw CaseworkError.invalid([FieldError(field: "summary", message: "Write a resolution summary.")])
    }
    var current = try await incident(id)
    guard current.record.status.isActive else { throw CaseworkError.conflict("This incident is already resolved or closed.") }
    let now = clock.now().wholeMilliseconds
    current.incident.resolutionSummary = summary
    // On the status page, the resolution is the last word (and the components it affected
    // show their own state again: `ServiceStatus.effective`).
    if current.incident.publishedAt != nil {
      current.incident.updates.append(IncidentUpdate(at: now, text: "Resolved: \(summary)", isPublic: true, by: "Status page"))
    }
    var updated = current.record
    updated.status = .resolved
    updated.updatedAt = now
    let (deadlines, deadlineAudit) = try await deadlineChanges([.resolved], for: updated, by: actor, at: now)
    var change = CaseChange(
      updated: updated,
      audit: [
        AuditEvent(caseID: id, actor: actor, at: now, field: "status", before: current.record.status.rawValue, after: "resolved"),
        AuditEvent(caseID: id, actor: actor, at: now, field: "incident.resolution", before: nil, after: summary),
      ] + deadlineAudit, deadlines: deadlines)
    change.incident = current.incident
    change.webhooks = [
      WebhookEvent.incident(
        "incident.resolved", IncidentCase(record: updated, incident: current.incident),
        text: "\(updated.reference) resolved: \(summary)", at: now)
    ]
    try await cases.save(change)
    try await tellReporters(of: current.record, summary: summary, at: now)
    return IncidentCase(record: updated, incident: current.incident)
  }

  /// The reporters who opted in hear of the resolution on their own case.
  func tellReporters(of incident: Case, summary: String, at now: Date) async throws {
    let reports = try await cases.links(of: incident.id).filter { $0.relation == .reportOf }
    for link in reports {
      guard let report = try await cases.find(id: link.id), report.tags.contains(Self.notifyOnResolutionTag) else { continue }
      let body = "The incident you reported has been resolved.\n\n\(summary)\n\nThank you for telling us."
      let message = CaseMessage(caseID: report.id, kind: .outbound, author: .system, body: body, createdAt: now)
      var updated = report
      updated.updatedAt = now
      var change = CaseChange(
        updated: updated, newMessages: [message],
        audit: [AuditEvent(caseID: report.id, actor: .system, at: now, field: "message", before: nil, after: "resolution notice")]
      )
      change.outgoing = [
        OutgoingEmail.carrying(
          message, reference: report.reference.description, subject: report.subject, requester: report.requester,
          automatic: false, reply: true, link: caseLinks?.url(for: report.id))
      ].compactMap { $0 }
      try await cases.save(change)
    }
  }

  public static let notifyOnResolutionTag = "notify-on-resolution"

  /// Closes a resolved incident; the post-incident review must be complete.
  @discardableResult
  public func closeIncident(_ id: CaseID, review: PostIncidentReview, by actor: Actor) async throws -> IncidentCase {
    var current = try await incident(id)
    guard current.record.status == .resolved else {
      throw CaseworkError.conflict("An incident is closed after it is resolved.")
    }
    let problems = review.problems
    if !problems.isEmpty { throw CaseworkError.invalid(problems) }
    let now = clock.now().wholeMilliseconds
    current.incident.review = review
    var updated = current.record
    updated.status = .closed
    updated.updatedAt = now
    let (deadlines, deadlineAudit) = try await deadlineChanges([.closed], for: updated, by: actor, at: now)
    var change = CaseChange(
      updated: updated,
      audit: [
        AuditEvent(caseID: id, actor: actor, at: now, field: "status", before: "resolved", after: "closed"),
        AuditEvent(caseID: id, actor: actor, at: now, field: "incident.review", before: nil, after: "recorded"),
      ] + deadlineAudit, deadlines: deadlines)
    change.incident = current.incident
    try await cases.save(change)
    return IncidentCase(record: updated, incident: current.incident)
  }

  /// Flags that patient care may be affected: each clinical safety officer is asked for a review.
  @discardableResult
  public func flagPatientSafety(_ id: CaseID, by actor: Actor) async throws -> IncidentCase {
    var current = try await incident(id)
    guard !current.incident.patientSafety else { return current }
    let reviewers = try await people.clinicalSafetyOfficers().map(\.id)
    let now = clock.now().wholeMilliseconds
    current.incident.patientSafety = true
    var updated = current.record
    updated.updatedAt = now
    var change = CaseChange(
      updated: updated,
      audit: [AuditEvent(caseID: id, actor: actor, at: now, field: "incident.patient_safety", before: "no", after: "yes")])
    change.incident = current.incident
    change.notifications = reviewers.map {
      StaffNotification(
        recipientID: $0, caseID: id, kind: .clinicalReview,
        message: "\(current.record.reference) may affect patient care: a clinical safety review is needed.", createdAt: now)
    }
    try await cases.save(change)
    return IncidentCase(record: updated, incident: current.incident)
  }

  @discardableResult
  public func recordClinicalReview(
    _ id: CaseID, hazard: String, likelihood: HazardLikelihood, consequence: HazardConsequence, hazardLogUpdated: Bool,
    by actor: Actor, staffID: StaffID
  ) async throws -> IncidentCase {
    guard let hazard = InputRules.clean(hazard) else {
      throw CaseworkError.invalid([FieldError(field: "hazard", message: "Describe the hazard.")])
    }
    var current = try await incident(id)
    guard current.incident.patientSafety else {
      throw CaseworkError.conflict("Flag the incident for patient safety before recording a clinical review.")
    }
    let now = clock.now().wholeMilliseconds
    current.incident.clinicalReview = ClinicalReview(
      hazard: hazard, likelihood: likelihood, consequence: consequence, hazardLogUpdated: hazardLogUpdated, by: staffID, at: now)
    var updated = current.record
    updated.updatedAt = now
    var change = CaseChange(
      updated: updated,
      audit: [
        AuditEvent(
          caseID: id, actor: actor, at: now, field: "incident.clinical_review", before: nil,
          after:
            "\(likelihood.rawValue) likelihood, \(consequence.rawValue) consequence; hazard log \(hazardLogUpdated ? "updated" : "not updated")"
        )
      ])
    change.incident = current.incident
    try await cases.save(change)
    return IncidentCase(record: updated, incident: current.incident)
  }

  /// Flags a personal data breach: the 72-hour `breach_report` clock runs from `awareAt`.
  @discardableResult
  public func flagBreach(_ id: CaseID, awareAt: Date, by actor: Actor) async throws -> IncidentCase {
    var current = try await incident(id)
    guard current.incident.breach == nil else { throw CaseworkError.conflict("This incident is already flagged as a breach.") }
    let now = clock.now().wholeMilliseconds
    guard awareAt <= now.addingTimeInterval(60) else {
      throw CaseworkError.invalid([FieldError(field: "awareAt", message: "The moment of awareness cannot be in the future.")])
    }
    let aware = awareAt.wholeMilliseconds
    current.incident.personalDataBreach = true
    current.incident.breach = BreachRecord(awareAt: aware)
    let engine = deadlineEngine.value
    let deadlines = engine.start(.breachAware, caseID: id, kind: .incident, severity: current.incident.severity, at: aware)
      .map { engine.refresh($0, now: now) }
    var updated = current.record
    updated.updatedAt = now
    var change = CaseChange(
      updated: updated,
      audit: [AuditEvent(caseID: id, actor: actor, at: now, field: "incident.breach", before: nil, after: "aware \(aware)")]
        + deadlines.map { Self.deadlineAudit(before: nil, after: $0, caseID: id, by: actor, at: now) },
      deadlines: deadlines)
    change.incident = current.incident
    try await cases.save(change)
    return IncidentCase(record: updated, incident: current.incident)
  }

  /// The breach decision: reported to the ICO through the DSPT (reference and time), or not
  /// reportable (reason). Either meets the 72-hour clock.
  @discardableResult
  public func decideBreach(_ id: CaseID, _ decision: BreachRecord.Decision, by actor: Actor, staffID: StaffID) async throws
    -> IncidentCase
  {
    var current = try await incident(id)
    guard var breach = current.incident.breach else {
      throw CaseworkError.conflict("Flag the incident as a personal data breach first.")
    }
    let now = clock.now().wholeMilliseconds
    switch decision {
    case .reported(let reference, let at):
      guard InputRules.clean(reference) != nil else {
        throw CaseworkError.invalid([FieldError(field: "reference", message: "Give the DSPT incident reference.")])
      }
      guard at <= now.addingTimeInterval(60) else {
        throw CaseworkError.invalid([FieldError(field: "reportedAt", message: "The report time cannot be in the future.")])
      }
    case .notReportable(let reason):
      guard InputRules.clean(reason) != nil else {
        throw CaseworkError.invalid([FieldError(field: "reason", message: "Say why the breach is not reportable.")])
      }
    }
    breach.decision = decision
    breach.decidedBy = staffID
    breach.decidedAt = now
    current.incident.breach = breach
    var updated = current.record
    updated.updatedAt = now
    let (deadlines, deadlineAudit) = try await deadlineChanges([.breachReported], for: updated, by: actor, at: now)
    let words =
      switch decision {
      case .reported(let reference, _): "reported to the ICO, DSPT reference \(reference)"
      case .notReportable(let reason): "not reportable: \(reason)"
      }
    var change = CaseChange(
      updated: updated,
      audit: [AuditEvent(caseID: id, actor: actor, at: now, field: "incident.breach_decision", before: nil, after: words)]
        + deadlineAudit, deadlines: deadlines)
    change.incident = current.incident
    try await cases.save(change)
    return IncidentCase(record: updated, incident: current.incident)
  }
}

extension CaseService {
  /// Which status page components an incident affects, and how (nil: by its severity). While
  /// it is published and current, the page shows them so; once resolved, it no longer does.
  @discardableResult
  public func setAffectedComponents(_ id: CaseID, _ components: [UUID], state: ComponentState?, by actor: Actor) async throws
    -> IncidentCase
  {
    var current = try await incident(id)
    let now = clock.now().wholeMilliseconds
    let before = current.incident
    current.incident.affectedComponents = Array(Set(components)).sorted { $0.uuidString < $1.uuidString }
    current.incident.componentState = state == .operational ? nil : state
    guard current.incident != before else { return current }
    var updated = current.record
    updated.updatedAt = now
    var change = CaseChange(
      updated: updated,
      audit: [
        AuditEvent(
          caseID: id, actor: actor, at: now, field: "incident.components",
          before: before.affectedComponents.isEmpty ? nil : "\(before.affectedComponents.count)",
          after: "\(current.incident.affectedComponents.count) (\(current.incident.componentState?.rawValue ?? "by severity"))")
      ])
    change.incident = current.incident
    try await cases.save(change)
    return IncidentCase(record: updated, incident: current.incident)
  }
}
