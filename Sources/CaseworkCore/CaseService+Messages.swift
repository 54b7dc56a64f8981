import Foundation

/// The conversation on a case: staff replies and notes, the requester's replies, chat lines.
extension CaseService {
  /// A staff reply to the requester. Replying to a new case opens it. `role`, the replier's,
  /// decides whether the reply answers an escalation.
  @discardableResult
  public func reply(to id: CaseID, body: String, by actor: Actor, role: StaffRole? = nil) async throws -> (Case, CaseMessage) {
    let (record, messages) = try await addMessage(
      to: id, kind: .outbound, body: body, by: actor,
      answersEscalation: role.map(Permission.answerEscalations.isGranted(to:)) ?? false)
    return (record, messages[0])
  }

  @discardableResult
  public func addNote(to id: CaseID, body: String, by actor: Actor) async throws -> (Case, CaseMessage) {
    let (record, messages) = try await addMessage(to: id, kind: .note, body: body, by: actor)
    return (record, messages[0])
  }

  /// A line of a live chat copied into its case's conversation: screened and counted like any
  /// message, but never emailed (the visitor read it in the chat). Returns the case and the
  /// messages added: the line, then any signposting screening added.
  @discardableResult
  public func recordChatLine(to id: CaseID, kind: MessageKind, body: String, by actor: Actor) async throws -> (
    Case, [CaseMessage]
  ) {
    try await addMessage(to: id, kind: kind, body: body, by: actor, autoReply: false, email: false)
  }

  /// The requester writes again: screened like any intake, and the case reopens.
  @discardableResult
  public func requesterReply(to id: CaseID, body: String, autoReply: Bool = true) async throws -> (Case, CaseMessage) {
    let (record, messages) = try await addMessage(to: id, kind: .inbound, body: body, by: .requester, autoReply: autoReply)
    let message = messages[0]
    guard record.kind == .complaint else { return (record, message) }
    try await complaintAfterReply(id, text: message.body)
    return (try await cases.find(id: id) ?? record, message)
  }

  private func addMessage(
    to id: CaseID, kind: MessageKind, body: String, by actor: Actor, autoReply: Bool = true, email: Bool = true,
    answersEscalation: Bool = false
  ) async throws -> (Case, [CaseMessage]) {
    guard let text = InputRules.clean(body) else {
      throw CaseworkError.invalid([FieldError(field: "body", message: "Enter a message.")])
    }
    guard !InputRules.isTooLong(body, max: InputRules.maxMessage) else {
      throw CaseworkError.invalid([
        FieldError(field: "body", message: "A message must be \(InputRules.maxMessage) characters or fewer.")
      ])
    }
    guard let current = try await cases.find(id: id) else { throw CaseworkError.caseNotFound }
    let now = clock.now().wholeMilliseconds
    var updated = current
    updated.updatedAt = now
    var messages = [CaseMessage(caseID: id, kind: kind, author: actor, body: text, createdAt: now)]
    var audit = [AuditEvent(caseID: id, actor: actor, at: now, field: "message", before: nil, after: kind.rawValue)]
    switch kind {
    case .inbound:
      updated.status = current.status.afterRequesterReply
      let screening = screener.screen(text)
      if screening.isClinical {
        updated.clinicalFlag = true
        if let signposting = safetyNet.signposting(for: screening) {
          messages.append(CaseMessage(caseID: id, kind: .outbound, author: .system, body: signposting, createdAt: now))
        }
      }
      if screening.isEmergency {
        updated.emergencyFlag = true
        updated.priority = .urgent
        if !updated.tags.contains(Self.emergencyTag) { updated.tags.append(Self.emergencyTag) }
      }
    case .outbound:
      if current.status == .new { updated.status = .open }
    case .note:
      break
    }
    audit += fieldChanges(from: current, to: updated, by: actor, at: now)
    var events = DeadlineEngine.events(from: current.status, to: updated.status)
    if kind == .outbound, actor != .system {
      events.insert(.staffReply, at: 0)
      // A support team manager's reply on an escalated case is the response to the escalation;
      // anyone else's leaves it running (domain §4).
      if current.team == Self.escalationTeam, answersEscalation { events.insert(.escalationAnswered, at: 1) }
    }
    let (deadlines, deadlineAudit) = try await deadlineChanges(events, for: updated, by: actor, at: now)
    var change = CaseChange(
      updated: updated, tagsChanged: updated.tags != current.tags, newMessages: messages, audit: audit + deadlineAudit,
      deadlines: deadlines)
    if kind == .inbound, updated.priority == .urgent, updated.tags.contains(Self.emergencyTag),
      !current.tags.contains(Self.emergencyTag)
    {
      (change.notifications, change.outgoing) = try await emergencyAlerts(for: updated, at: now)
    }
    // Staff replies go out by email; automatic ones (signposting) only when allowed.
    change.outgoing += messages.compactMap { message in
      let automatic = message.author == .system
      guard email, !automatic || autoReply else { return nil }
      return OutgoingEmail.carrying(
        message, reference: current.reference.description, subject: current.subject, requester: current.requester,
        automatic: automatic, reply: true, link: caseLinks?.url(for: id))
    }
    try await cases.save(change)
    return (updated, messages)
  }
}
