import Foundation

extension CaseService {
  /// Adds people to the working group in a role: each is told in the console and by email, in
  /// the same transaction. The incident lead is the case's assignee; a new lead takes over
  /// from the old one.
  @discardableResult
  public func addToWorkingGroup(_ id: CaseID, people: [StaffUser], role: GroupRole, link: String, by actor: Actor) async throws
    -> IncidentCase
  {
    let active = people.filter(\.active)
    guard !active.isEmpty else {
      throw CaseworkError.invalid([
        FieldError(field: "staff", message: "Choose an active member of staff, or a role that has some.")
      ])
    }
    guard role != .incidentLead || active.count == 1 else {
      throw CaseworkError.invalid([FieldError(field: "staff", message: "An incident has one lead: choose one person.")])
    }
    var current = try await incident(id)
    let now = clock.now().wholeMilliseconds
    var updated = current.record
    var audit: [AuditEvent] = []
    if role == .incidentLead, let previous = current.incident.members.first(where: { $0.role == .incidentLead }) {
      current.incident.members.removeAll { $0.role == .incidentLead }
      audit.append(
        AuditEvent(caseID: id, actor: actor, at: now, field: "working_group.incident_lead", before: previous.name, after: nil))
    }
    let added = active.filter { person in !current.incident.members.contains { $0.staffID == person.id && $0.role == role } }
    guard !added.isEmpty else {
      throw CaseworkError.invalid([FieldError(field: "staff", message: "Already in the working group in that role.")])
    }
    current.incident.members += added.map { WorkingGroupMember(staffID: $0.id, name: $0.name, role: role, addedAt: now) }
    if role == .incidentLead { updated.assigneeID = added[0].id }
    audit += added.map {
      AuditEvent(caseID: id, actor: actor, at: now, field: "working_group.\(role.rawValue)", before: nil, after: $0.name)
    }
    if updated.assigneeID != current.record.assigneeID {
      audit.append(
        AuditEvent(
          caseID: id, actor: actor, at: now, field: "assignee", before: current.record.assigneeID?.uuidString,
          after: updated.assigneeID?.uuidString))
    }
    updated.updatedAt = now
    let message =
      "You are \(role == .incidentLead ? "the incident lead" : "in the working group as \(role.displayName.lowercased())") for \(current.record.reference) (severity \(current.incident.severity)): \(current.record.subject)."
    let notifications = added.map {
      StaffNotification(recipientID: $0.id, caseID: id, kind: .incident, message: message, createdAt: now)
    }
    var change = CaseChange(updated: updated, audit: audit)
    change.incident = current.incident
    change.notifications = notifications
    change.outgoing = zip(added, notifications).map { person, notification in
      OutgoingEmail(
        caseID: id, caseMessageID: notification.id, toName: person.name, toAddress: person.email,
        subject: "Working group: \(current.record.reference) \(current.record.subject)", body: message + "\n\nOpen it: " + link,
        isAutomatic: false, createdAt: now)
    }
    let after = IncidentCase(record: updated, incident: current.incident)
    change.webhooks = added.map {
      WebhookEvent.incident(
        "working_group.member_added", after, text: "\($0.name) joined \(updated.reference) as \(role.displayName.lowercased()).",
        member: $0.name, role: role, at: now)
    }
    try await cases.save(change)
    return after
  }
}
