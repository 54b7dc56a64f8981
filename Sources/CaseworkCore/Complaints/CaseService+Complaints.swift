import Foundation

/// A complaint's case and record together.
public struct ComplaintCase: Sendable {
  public var record: Case
  public var complaint: Complaint
}

extension CaseService {
  /// The complaint record for a case draft, checking its dates (domain §5).
  func complaintDraft(_ input: ComplaintInput?, caseID: CaseID, receivedAt: Date, now: Date) throws(CaseworkError) -> Complaint {
    let dates = ComplaintDates(
      received: LocalDate(receivedAt), incident: input?.incidentDate, discovered: input?.discoveredDate)
    let problems = dates.problems(today: LocalDate(now))
    if !problems.isEmpty { throw .invalid(problems) }
    let desired = InputRules.clean(input?.desiredOutcome)
    if InputRules.isTooLong(input?.desiredOutcome, max: InputRules.maxDescription) {
      throw .invalid([
        FieldError(
          field: "desiredOutcome",
          message: "What you would like us to do must be \(InputRules.maxDescription) characters or fewer.")
      ])
    }
    return Complaint(
      caseID: caseID, preset: complaintPolicy.preset, dates: dates, desiredOutcome: desired, raisedFrom: input?.raisedFrom)
  }

  public func complaint(_ id: CaseID) async throws -> ComplaintCase {
    guard let record = try await cases.find(id: id) else { throw CaseworkError.caseNotFound }
    guard record.kind == .complaint, let complaint = try await cases.complaint(of: id) else {
      throw CaseworkError.conflict("\(record.reference) is not a complaint.")
    }
    return ComplaintCase(record: record, complaint: complaint)
  }

  /// The letter of a kind for this complaint, filled in, ready to preview, edit or send.
  /// `template` previews an unsaved template on this complaint.
  public func letter(_ kind: LetterKind, for id: CaseID, extra: [String: String] = [:], template: LetterTemplate? = nil)
    async throws -> (
      subject: String, body: String
    )
  {
    let current = try await complaint(id)
    let deadlines = try await cases.deadlines(of: id)
    let chosen: LetterTemplate
    if let template { chosen = template } else { chosen = try await letterTemplate(kind) }
    return try chosen.render(
      letterValues(current, deadlines: deadlines).merging(extra) { $1 })
  }

  /// The template in force: an administrator's edit, else the policy's.
  public func letterTemplate(_ kind: LetterKind) async throws -> LetterTemplate {
    try await letterTemplates?.storedTemplate(kind) ?? complaintPolicy.template(kind)
  }

  func letterValues(_ current: ComplaintCase, deadlines: [Deadline]) -> [String: String] {
    let complaint = current.complaint
    let record = investigationValues(complaint.investigation)
    var values = [
      "reference": current.record.reference.description,
      "complainant_name": current.record.requester.name,
      "received_date": complaint.dates.received.longText,
      "today": LocalDate(clock.now()).longText,
      "organisation": complaintPolicy.organisation,
      "signature": complaintPolicy.signature,
      "eligibility_reason": complaint.eligibility.reason,
      "next_stage": LetterTemplate.nextStage,
    ].merging(record) { $1 }
    let investigate = deadlines.first { $0.name == "investigate" && $0.state != .met }
    let respondBy =
      investigate?.dueAt
      ?? deadlineEngine.value.start(.acknowledgementSent, caseID: current.record.id, kind: .complaint, at: clock.now())
      .first { $0.name == "investigate" }?.dueAt
    values["respond_by"] = respondBy.map { LocalDate($0).longText } ?? ""
    return values
  }

  func investigationValues(_ record: InvestigationRecord) -> [String: String] {
    var values = [
      "what_happened": record.whatHappened ?? "",
      "what_went_wrong": record.whatWentWrong ?? "",
      "apology": record.apologyGiven == true ? (record.apologyWords ?? "") : "",
      "actions": record.actions.map { "- \($0.description) (by \($0.due.longText))" }.joined(separator: "\n"),
    ]
    values["discussion"] =
      record.discussionOffered == true
      ? "If you would like to discuss the problem or our response, reply to this letter and we will arrange it." : ""
    return values
  }

  // MARK: Moves

  /// Sends the acknowledgement letter (the template, or staff's edited words): meets the
  /// `acknowledge` deadline and starts `investigate` (domain §5).
  @discardableResult
  public func acknowledgeComplaint(_ id: CaseID, body: String? = nil, by actor: Actor) async throws -> ComplaintCase {
    try await sendLetter(.acknowledgement, for: id, body: body, moving: .acknowledged, by: actor)
  }

  /// Sends the final response assembled from the investigation record; refused, naming what
  /// is missing, until the record is complete enough.
  @discardableResult
  public func sendFinalResponse(_ id: CaseID, body: String? = nil, by actor: Actor) async throws -> ComplaintCase {
    let current = try await complaint(id)
    let missing = current.complaint.investigation.missingForResponse
    if !missing.isEmpty { throw CaseworkError.invalid(missing) }
    return try await sendLetter(.finalResponse, for: id, body: body, moving: .responseSent, by: actor)
  }

  /// Every stage move, from any adapter: to acknowledged or response sent with the letter
  /// (staff's words when given), to any other stage as `moveComplaint` allows.
  @discardableResult
  public func transitionComplaint(_ id: CaseID, to stage: ComplaintStage, letter body: String? = nil, by actor: Actor)
    async throws -> ComplaintCase
  {
    if stage == .acknowledged || stage == .responseSent {
      // Out of order is said as such before anything about the letter.
      let current = try await complaint(id).complaint.stage
      guard current.canMove(to: stage) else { throw ComplaintTransitionError(from: current, to: stage) }
    }
    switch stage {
    case .acknowledged: return try await acknowledgeComplaint(id, body: body, by: actor)
    case .responseSent: return try await sendFinalResponse(id, body: body, by: actor)
    default: return try await moveComplaint(id, to: stage, by: actor)
    }
  }

  /// Moves a complaint along its process without a letter: start investigating, close after
  /// the response, reopen.
  @discardableResult
  public func moveComplaint(_ id: CaseID, to stage: ComplaintStage, by actor: Actor) async throws -> ComplaintCase {
    let current = try await complaint(id)
    switch stage {
    case .acknowledged, .responseSent, .followUpSent, .referredToOmbudsman:
      // These carry a letter or a record: they have their own operations.
      guard current.complaint.stage.canMove(to: stage) else {
        throw ComplaintTransitionError(from: current.complaint.stage, to: stage)
      }
      throw CaseworkError.conflict(
        "Moving a complaint to \(stage.displayName.lowercased()) sends a letter or records a referral: use that action.")
    case .closed where current.complaint.stage == .received:
      throw CaseworkError.conflict(
        "A complaint is closed before acknowledgement only when a support manager decides it is out of time, with a letter.")
    case .investigating where !current.complaint.mayProceed:
      throw CaseworkError.conflict(current.complaint.holdReason ?? "This complaint cannot go ahead yet.")
    default: break
    }
    return try await apply(current, moving: stage, messages: [], outgoing: [], by: actor)
  }

  /// A support manager's decision on a complaint made out of time (or whose time could not be
  /// decided): accept it anyway, or decline it and close it with a letter that says why.
  @discardableResult
  public func decideTimeLimit(_ id: CaseID, accept: Bool, reason: String, by actor: Actor, staffID: StaffID)
    async throws -> ComplaintCase
  {
    guard let reason = InputRules.clean(reason) else {
      throw CaseworkError.invalid([FieldError(field: "reason", message: "Give the reason for the decision.")])
    }
    var current = try await complaint(id)
    guard current.complaint.eligibility.eligible != true else {
      throw CaseworkError.conflict("This complaint was made in time; there is nothing to decide.")
    }
    guard current.complaint.stage == .received else {
      throw CaseworkError.conflict("The time limit is decided before the complaint is acknowledged.")
    }
    let now = clock.now().wholeMilliseconds
    current.complaint.timeLimitDecision = TimeLimitDecision(accepted: accept, reason: reason, by: staffID, at: now)
    let audit = AuditEvent(
      caseID: id, actor: actor, at: now, field: "complaint.time_limit", before: current.complaint.eligibility.rule,
      after: "\(accept ? "accepted" : "declined"): \(reason)")
    if accept {
      return try await apply(current, moving: nil, messages: [], outgoing: [], extraAudit: [audit], by: actor)
    }
    let values = letterValues(current, deadlines: try await cases.deadlines(of: id))
    let letter = try await letterTemplate(.outOfTime).render(values)
    let (message, email) = letterMessage(letter, current: current, at: now)
    return try await apply(
      current, moving: .closed, messages: [message], outgoing: email.map { [$0] } ?? [], extraAudit: [audit], by: actor)
  }

  /// A delay in the investigation: the reason and the new date go to the complainant in a
  /// letter, and the `investigate` deadline is extended with both. No silent extensions.
  @discardableResult
  public func recordDelay(_ id: CaseID, reason: String, newDate: LocalDate, by actor: Actor, staffID: StaffID, name: String)
    async throws -> ComplaintCase
  {
    guard let reason = InputRules.clean(reason) else {
      throw CaseworkError.invalid([FieldError(field: "reason", message: "Give the reason for the delay.")])
    }
    var current = try await complaint(id)
    guard [.acknowledged, .investigating, .reopened].contains(current.complaint.stage) else {
      throw CaseworkError.conflict("A delay is recorded while the complaint is being looked into.")
    }
    let deadlines = try await cases.deadlines(of: id)
    guard let investigate = deadlines.first(where: { $0.name == "investigate" && $0.state != .met }),
      let currentDue = investigate.dueAt
    else {
      throw CaseworkError.conflict("This complaint has no running investigation deadline to extend.")
    }
    let now = clock.now().wholeMilliseconds
    guard newDate.endOfDay > currentDue else {
      throw CaseworkError.invalid([
        FieldError(
          field: "newDate", message: "The new date must be after the current one (\(LocalDate(currentDue).longText)).")
      ])
    }
    let extended = try deadlineEngine.value.extend(investigate, to: newDate.endOfDay, reason: reason, by: name, at: now)
    current.complaint.delays.append(DelayNotice(reason: reason, newDate: newDate, by: staffID, at: now))
    let values = letterValues(current, deadlines: deadlines).merging([
      "delay_reason": reason, "new_date": newDate.longText,
    ]) { $1 }
    let letter = try await letterTemplate(.delay).render(values)
    let (message, email) = letterMessage(letter, current: current, at: now)
    var audit = Self.deadlineAudit(before: investigate, after: extended, caseID: id, by: actor, at: now)
    audit.after = (audit.after ?? "") + " (extended: \(reason))"
    return try await apply(
      current, moving: nil, messages: [message], outgoing: email.map { [$0] } ?? [], extraAudit: [audit],
      extraDeadlines: [extended], by: actor)
  }

  /// Records that the complainant went to the Ombudsman (and, later, what it asked and decided).
  @discardableResult
  public func recordOmbudsmanReferral(_ id: CaseID, _ referral: OmbudsmanReferral, by actor: Actor) async throws
    -> ComplaintCase
  {
    var current = try await complaint(id)
    if referral.referredOn > LocalDate(clock.now()) {
      throw CaseworkError.invalid([FieldError(field: "referredOn", message: "The referral date cannot be in the future.")])
    }
    let first = current.complaint.ombudsman == nil
    current.complaint.ombudsman = referral
    let now = clock.now().wholeMilliseconds
    let audit = AuditEvent(
      caseID: id, actor: actor, at: now, field: "complaint.ombudsman", before: nil,
      after:
        "referred \(referral.referredOn)\(referral.reference.map { ", reference \($0)" } ?? "")\(referral.outcome.map { ", outcome: \($0)" } ?? "")"
    )
    if first, current.complaint.stage != .referredToOmbudsman {
      guard current.complaint.stage.canMove(to: .referredToOmbudsman) else {
        throw ComplaintTransitionError(from: current.complaint.stage, to: .referredToOmbudsman)
      }
      return try await apply(current, moving: .referredToOmbudsman, messages: [], outgoing: [], extraAudit: [audit], by: actor)
    }
    return try await apply(current, moving: nil, messages: [], outgoing: [], extraAudit: [audit], by: actor)
  }

  // MARK: Follow-up

  /// The follow-up email 7 days after closure (domain §5), sent by the job runner. Returns nil
  /// when it is not due or another runner sent it first: it goes out once.
  @discardableResult
  public func sendFollowUp(_ id: CaseID) async throws -> ComplaintCase? {
    var current = try await complaint(id)
    guard current.complaint.stage == .closed, current.complaint.followUp == nil else { return nil }
    let now = clock.now().wholeMilliseconds
    let letter = try await letterTemplate(.followUp).render(
      letterValues(current, deadlines: try await cases.deadlines(of: id)))
    let (message, email) = letterMessage(letter, current: current, at: now)
    current.complaint.followUp = FollowUpRecord(sentAt: now)
    do {
      return try await apply(current, moving: .followUpSent, messages: [message], outgoing: email.map { [$0] } ?? [], by: .system)
    } catch CaseworkError.conflict {
      return nil
    }
  }

  /// A complainant's reply after closure: "satisfied" (and nothing more) is recorded as such;
  /// anything else reopens the complaint.
  func complaintAfterReply(_ id: CaseID, text: String) async throws {
    guard let current = try? await complaint(id), [.closed, .followUpSent].contains(current.complaint.stage) else { return }
    var updated = current
    let now = clock.now().wholeMilliseconds
    if current.complaint.stage == .followUpSent, Self.saysSatisfied(text) {
      updated.complaint.followUp?.answer = .satisfied
      updated.complaint.followUp?.answeredAt = now
      let audit = AuditEvent(
        caseID: id, actor: .requester, at: now, field: "complaint.follow_up", before: nil, after: "satisfied")
      // The reply reopened the case; a satisfied complainant's case stays closed.
      var change = CaseChange(updated: current.record, audit: [audit])
      change.updated.status = .closed
      change.updated.updatedAt = now
      change.complaint = updated.complaint
      change.complaintExpectedStage = current.complaint.stage
      try await cases.save(change)
      return
    }
    if current.complaint.followUp != nil {
      updated.complaint.followUp?.answer = .reopened
      updated.complaint.followUp?.answeredAt = now
    }
    _ = try await apply(updated, moving: .reopened, messages: [], outgoing: [], by: .requester)
  }

  /// "Satisfied", "I'm satisfied, thank you", "all fine": a short answer with no complaint in it.
  static func saysSatisfied(_ text: String) -> Bool {
    let lower = text.lowercased()
    let words = lower.split { !$0.isLetter && $0 != "'" }
    guard words.count <= 12 else { return false }
    let negative = ["not", "no", "isn't", "unhappy", "still", "but", "dissatisfied", "unsatisfied"]
    if words.contains(where: { negative.contains(String($0)) }) { return false }
    return words.contains { ["satisfied", "resolved", "settled", "happy"].contains(String($0)) }
      || lower.contains("all fine") || lower.contains("all good")
  }

  // MARK: Shared

  func sendLetter(_ kind: LetterKind, for id: CaseID, body: String?, moving stage: ComplaintStage, by actor: Actor)
    async throws -> ComplaintCase
  {
    let current = try await complaint(id)
    guard current.complaint.stage.canMove(to: stage) else {
      throw ComplaintTransitionError(from: current.complaint.stage, to: stage)
    }
    if !current.complaint.mayProceed {
      throw CaseworkError.conflict(current.complaint.holdReason ?? "This complaint cannot go ahead yet.")
    }
    let now = clock.now().wholeMilliseconds
    var letter = try await letterTemplate(kind).render(letterValues(current, deadlines: try await cases.deadlines(of: id)))
    if let body {
      guard let edited = InputRules.clean(body), edited.unicodeScalars.count <= InputRules.maxMessage else {
        throw CaseworkError.invalid([
          FieldError(field: "body", message: "The letter cannot be empty or longer than \(InputRules.maxMessage) characters.")
        ])
      }
      letter.body = edited
    }
    let (message, email) = letterMessage(letter, current: current, at: now)
    return try await apply(current, moving: stage, messages: [message], outgoing: email.map { [$0] } ?? [], by: actor)
  }

  func letterMessage(_ letter: (subject: String, body: String), current: ComplaintCase, at now: Date) -> (
    CaseMessage, OutgoingEmail?
  ) {
    let message = CaseMessage(caseID: current.record.id, kind: .outbound, author: .system, body: letter.body, createdAt: now)
    guard OutgoingEmail.canReach(current.record.requester) else { return (message, nil) }
    let email = OutgoingEmail(
      caseID: current.record.id, caseMessageID: message.id, toName: current.record.requester.name,
      toAddress: current.record.requester.email, subject: letter.subject,
      body: withLink(to: current.record.id, letter.body),
      isAutomatic: false, createdAt: now)
    return (message, email)
  }

  /// Writes a complaint change: its stage (and the case status that goes with it), messages,
  /// emails, audit and the deadlines the move starts or meets, in one transaction.
  func apply(
    _ current: ComplaintCase, moving stage: ComplaintStage?, messages: [CaseMessage], outgoing: [OutgoingEmail],
    extraAudit: [AuditEvent] = [], extraDeadlines: [Deadline] = [], expecting expected: Complaint? = nil, by actor: Actor
  ) async throws -> ComplaintCase {
    var complaint = current.complaint
    var updated = current.record
    let now = clock.now().wholeMilliseconds
    var audit = extraAudit
    var events: [DeadlineEvent] = []
    if let stage {
      guard complaint.stage.canMove(to: stage) else { throw ComplaintTransitionError(from: complaint.stage, to: stage) }
      audit.append(
        AuditEvent(
          caseID: updated.id, actor: actor, at: now, field: "complaint.stage", before: complaint.stage.rawValue,
          after: stage.rawValue))
      complaint.stage = stage
      updated.status = stage.caseStatus
      events = DeadlineEngine.events(from: current.record.status, to: updated.status)
      if let event = stage.deadlineEvent, !events.contains(event) { events.append(event) }
    }
    updated.updatedAt = now
    audit += fieldChanges(from: current.record, to: updated, by: actor, at: now).filter { $0.field != "status" || stage != nil }
    audit += messages.map {
      AuditEvent(caseID: updated.id, actor: actor, at: now, field: "message", before: nil, after: $0.kind.rawValue)
    }
    let (deadlines, deadlineAudit) = try await deadlineChanges(events, for: updated, by: actor, at: now)
    var change = CaseChange(
      updated: updated, newMessages: messages, audit: audit + deadlineAudit, deadlines: deadlines + extraDeadlines)
    change.outgoing = outgoing
    change.complaint = complaint
    change.complaintExpectedStage = current.complaint.stage
    change.complaintExpected = expected
    try await cases.save(change)
    return ComplaintCase(record: updated, complaint: complaint)
  }
}
