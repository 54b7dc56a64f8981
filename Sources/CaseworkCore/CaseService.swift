import Foundation

/// A case just opened, with the one-time secret for the requester's private link.
public struct OpenedCase: Sendable {
  public var record: Case
  public var accessToken: String
  public var screening: ScreeningResult
  /// The deadlines its receipt started.
  public var deadlines: [Deadline]
}

/// A case with everything shown on its page.
public struct CaseDetail: Sendable {
  public var record: Case
  public var messages: [CaseMessage]
  public var audit: [AuditEvent]
  public var links: [LinkedCase]
  public var deadlines: [Deadline]
}

/// Changes staff or an integrator ask for; nil leaves a field as it is.
public struct CaseUpdate: Sendable, Equatable {
  public var status: CaseStatus?
  /// `.some(nil)` unassigns.
  public var assignee: StaffID??
  public var tags: [String]?
  public var priority: CasePriority?

  public init(status: CaseStatus? = nil, assignee: StaffID?? = nil, tags: [String]? = nil, priority: CasePriority? = nil) {
    self.status = status
    self.assignee = assignee
    self.tags = tags
    self.priority = priority
  }
}

/// Every change to a case goes through here: validation, screening, status rules and the
/// audit trail live in one place whatever the channel.
public struct CaseService: Sendable {
  /// Only Core reaches the repository: adapters read through the verbs below, so every write
  /// goes through a rule.
  let cases: any CaseRepository
  public let clock: any WallClock
  public let screener: Screener
  public let safetyNet: SafetyNetText
  public let hasher: any SecretHasher
  public let deadlineEngine: CurrentDeadlineEngine
  public let complaintPolicy: ComplaintPolicy
  public let letterTemplates: (any LetterTemplateStore)?
  /// Who works here, and who holds which role (escalations, emergencies, clinical review).
  public let people: StaffDirectory
  /// The private link to a requester's case page, put in every email to them.
  public let caseLinks: (any CaseLinks)?

  public init(
    cases: any CaseRepository, clock: any WallClock, screener: Screener = Screener(),
    safetyNet: SafetyNetText = .standard, hasher: any SecretHasher,
    deadlines: CurrentDeadlineEngine = CurrentDeadlineEngine(.standard), complaints: ComplaintPolicy = .standard,
    letterTemplates: (any LetterTemplateStore)? = nil, staff: (any StaffRepository)? = nil,
    caseLinks: (any CaseLinks)? = nil
  ) {
    self.people = StaffDirectory(staff)
    self.caseLinks = caseLinks
    self.complaintPolicy = complaints
    self.letterTemplates = letterTemplates
    self.deadlineEngine = deadlines
    self.cases = cases
    self.clock = clock
    self.screener = screener
    self.safetyNet = safetyNet
    self.hasher = hasher
  }

  // MARK: Opening

  /// Checks and screens the input and builds the draft, without storing anything.
  public func draft(_ input: NewCaseInput, by actor: Actor) throws(CaseworkError) -> (CaseDraft, String, ScreeningResult) {
    let now = clock.now().wholeMilliseconds
    var valid: ValidatedCase
    do {
      valid = try input.validated(now: now)
    } catch .invalid(let errors) {
      // A complaint's dates are checked too, so one answer names every problem.
      var problems = errors
      if input.kind == .complaint {
        let dates = ComplaintDates(
          received: LocalDate(input.receivedAt ?? now), incident: input.complaint?.incidentDate,
          discovered: input.complaint?.discoveredDate)
        problems += dates.problems(today: LocalDate(now)).filter { problem in !errors.contains { $0.field == problem.field } }
      }
      throw .invalid(problems)
    }
    let screening = screener.screen(valid.subject, valid.description)
    // An NHS number written in the text is lifted into its own field when that is empty.
    if valid.requester.nhsNumber == nil { valid.requester.nhsNumber = screening.nhsNumbers.first }
    let id = CaseID.timeOrdered()
    let token = caseLinks?.token(for: id) ?? SecretGenerator.token()
    var messages = [
      CaseMessage(caseID: id, kind: .inbound, author: .requester, body: valid.description, createdAt: now)
    ]
    // Incidents are opened by staff: there is nobody to acknowledge.
    if valid.kind != .incident {
      messages.append(
        CaseMessage(
          caseID: id, kind: .outbound, author: .system,
          body: acknowledgement(
            kind: valid.kind, screening: screening, delayed: valid.tags.contains(Self.receivedWhileStoppedTag),
            channel: valid.channel),
          createdAt: now.addingTimeInterval(0.001)))
    }
    var tags = valid.tags
    if screening.isClinical, !tags.contains("clinical-content") { tags.append("clinical-content") }
    if screening.isEmergency, !tags.contains(Self.emergencyTag) { tags.append(Self.emergencyTag) }
    let audit = [
      AuditEvent(caseID: id, actor: actor, at: now, field: "case", before: nil, after: "opened via \(valid.channel.rawValue)"),
      AuditEvent(caseID: id, actor: actor, at: now, field: "status", before: nil, after: CaseStatus.new.rawValue),
    ]
    let receivedAt = valid.receivedAt?.wholeMilliseconds ?? now
    var draft = CaseDraft(
      id: id, kind: valid.kind, status: .new, priority: screening.isEmergency ? .urgent : .normal,
      channel: valid.channel, subject: valid.subject, requester: valid.requester, tags: tags,
      clinicalFlag: screening.isClinical, emergencyFlag: screening.isEmergency, createdAt: now,
      receivedAt: receivedAt, messages: messages, audit: audit, accessTokenHash: hasher.digest(token))
    if valid.kind == .complaint {
      let complaint = try complaintDraft(input.complaint, caseID: id, receivedAt: receivedAt, now: now)
      draft.complaint = complaint
      draft.team = StaffRole.supportManager.rawValue
      if !complaint.mayProceed {
        draft.tags.append(complaint.eligibility.eligible == nil ? "eligibility-undecided" : "out-of-time")
      }
      draft.audit.append(
        AuditEvent(
          caseID: id, actor: actor, at: now, field: "complaint.eligibility", before: nil,
          after:
            "\(complaint.eligibility.eligible.map { $0 ? "eligible" : "out of time" } ?? "undecided"): \(complaint.eligibility.rule)"
        ))
    }
    // Clocks start when the case reached us, which for post or phone is before its entry.
    let engine = deadlineEngine.value
    draft.deadlines = engine.start(.received, caseID: id, kind: valid.kind, priority: draft.priority, at: receivedAt).map {
      engine.refresh($0, now: now)
    }
    if valid.kind == .complaint, let index = draft.messages.firstIndex(where: { $0.kind == .outbound }) {
      let due = draft.deadlines.first { $0.name == "acknowledge" }?.dueAt
      draft.messages[index].body = complaintReceipt(acknowledgeBy: due, screening: screening)
    }
    return (draft, token, screening)
  }

  /// Opens a case. `autoReply` sends the acknowledgement by email too (never to automatic mail).
  /// `submissionKey` is the one-time key of the form that sent it: the same form sent twice
  /// (a refresh, a double click, the back button) finds this case instead of making another.
  public func open(_ input: NewCaseInput, by actor: Actor, autoReply: Bool = true, submissionKey: String? = nil)
    async throws -> OpenedCase
  {
    var (draft, token, screening) = try draft(input, by: actor)
    if let submissionKey, caseLinks != nil {
      // The link's token is checked by its MAC, so the stored digest can be the form's key.
      draft.accessTokenHash = hasher.digest(Self.submissionPrefix + submissionKey)
    }
    // Every requester hears at once, complainants included (their receipt; the formal
    // acknowledgement letter follows from staff).
    let acknowledgedAtOnce = complaintPolicy.autoAcknowledge && draft.complaint?.mayProceed == true
    if autoReply, [.email, .web, .api, .phone, .post].contains(draft.channel), !acknowledgedAtOnce,
      let acknowledgement = draft.messages.first(where: { $0.kind == .outbound }),
      let email = OutgoingEmail.carrying(
        acknowledgement, reference: CaseDraft.referencePlaceholder, subject: draft.subject, requester: draft.requester,
        automatic: true, reply: false, link: caseLinks?.url(token: token))
    {
      draft.outgoing = [email]
    }
    guard var record = try await cases.create([draft]).first else {
      throw CaseworkError.conflict("The case could not be stored.")
    }
    if autoReply, complaintPolicy.autoAcknowledge, draft.complaint?.mayProceed == true {
      record = try await acknowledgeComplaint(record.id, by: .system).record
    }
    if screening.isEmergency { try await alertEmergency(record) }
    return OpenedCase(record: record, accessToken: token, screening: screening, deadlines: draft.deadlines)
  }

  /// The automatic reply: reference, signposting when screening found clinical content
  /// (emergency first), then the standing safety-net notice.
  /// Email that arrived while intake was stopped, processed once it reopened.
  public static let receivedWhileStoppedTag = "received-while-intake-stopped"

  func acknowledgement(kind: CaseKind, screening: ScreeningResult, delayed: Bool = false, channel: Channel = .web) -> String {
    var parts: [String] = []
    if delayed {
      parts.append(
        "Your message reached us while we were not accepting new tickets, so there may be a delay before we reply. We are sorry for the wait."
      )
    }
    if let signposting = safetyNet.signposting(for: screening), screening.isEmergency {
      parts.append(signposting)
    }
    if channel == .chat {
      // Said in the chat itself: the visitor is still there, and replies come in the chat.
      parts.append(
        "Thank you for contacting us. Your reference is \(CaseDraft.referencePlaceholder). A member of the support team will reply here."
      )
    } else {
      parts.append(
        "Thank you for contacting us. We have received your \(kind.displayName.lowercased()) and its reference is \(CaseDraft.referencePlaceholder). A member of the support team will reply to you."
      )
    }
    if let signposting = safetyNet.signposting(for: screening), !screening.isEmergency {
      parts.append(signposting)
    }
    parts.append(safetyNet.notice)
    if kind != .complaint, channel != .chat {
      parts.append("If you are not happy with our response, reply to it and tell us you wish to escalate.")
    }
    return parts.joined(separator: "\n\n")
  }

  /// A complaint's receipt, sent the moment it reaches us: its reference, what happens next
  /// and the date the formal acknowledgement is due (domain §5: 3 working days).
  func complaintReceipt(acknowledgeBy due: Date?, screening: ScreeningResult) -> String {
    var parts: [String] = []
    if let signposting = safetyNet.signposting(for: screening), screening.isEmergency { parts.append(signposting) }
    parts.append("Thank you for your complaint. We have received it and its reference is \(CaseDraft.referencePlaceholder).")
    let by = due.map { " by the end of " + Self.longDate(LocalDate($0)) } ?? ""
    parts.append(
      "What happens next: a support team manager will check it and send you a formal acknowledgement\(by) (within 3 working days), saying who is handling your complaint and when you will hear from us. We may contact you to understand it fully."
    )
    if let signposting = safetyNet.signposting(for: screening), !screening.isEmergency { parts.append(signposting) }
    parts.append(safetyNet.notice)
    return parts.joined(separator: "\n\n")
  }

  // MARK: Reading

  public func detail(_ id: CaseID) async throws -> CaseDetail {
    guard let record = try await cases.find(id: id) else { throw CaseworkError.caseNotFound }
    async let messages = cases.messages(of: id)
    async let audit = cases.auditTrail(of: id)
    async let links = cases.links(of: id)
    async let deadlines = cases.deadlines(of: id)
    return try await CaseDetail(record: record, messages: messages, audit: audit, links: links, deadlines: deadlines)
  }

  public func find(id: CaseID) async throws -> Case? { try await cases.find(id: id) }
  public func find(reference: CaseReference) async throws -> Case? { try await cases.find(reference: reference) }
  public func messages(of id: CaseID) async throws -> [CaseMessage] { try await cases.messages(of: id) }
  public func deadlines(of id: CaseID) async throws -> [Deadline] { try await cases.deadlines(of: id) }
  public func links(of id: CaseID) async throws -> [LinkedCase] { try await cases.links(of: id) }
  public func auditTrail(of id: CaseID) async throws -> [AuditEvent] { try await cases.auditTrail(of: id) }
  /// The incident record of a case, if it is an incident.
  public func incident(of id: CaseID) async throws -> Incident? { try await cases.incident(of: id) }

  /// Finds a case by id or reference text.
  public func find(_ idOrReference: String) async throws -> Case? {
    if let id = UUID(uuidString: idOrReference) { return try await cases.find(id: id) }
    if let reference = CaseReference(idOrReference) { return try await cases.find(reference: reference) }
    return nil
  }

  static let submissionPrefix = "form:"

  /// The case a form with this one-time key already opened, if any.
  public func caseForSubmissionKey(_ key: String) async throws -> Case? {
    guard key.utf8.count >= 20, key.utf8.count <= 100 else { return nil }
    return try await cases.find(accessTokenHash: hasher.digest(Self.submissionPrefix + key))
  }

  /// The case a requester's private link opens, or nil for an unknown or malformed token.
  public func caseForAccessToken(_ token: String) async throws -> Case? {
    guard token.count >= 20, token.count <= 100 else { return nil }
    if let record = try await cases.find(accessTokenHash: hasher.digest(token)) { return record }
    // A link written into a later email to a case opened before links were derived.
    guard let id = caseLinks?.caseID(fromToken: token) else { return nil }
    return try await cases.find(id: id)
  }

  public func list(_ query: CaseQuery) async throws -> CaseList {
    try await cases.list(query)
  }

  // MARK: Fields

  @discardableResult
  public func update(_ id: CaseID, with change: CaseUpdate, by actor: Actor) async throws -> Case {
    guard let current = try await cases.find(id: id) else { throw CaseworkError.caseNotFound }
    var updated = current
    // Complaints move by their stages, and incidents resolve with a summary and close with a
    // review: a bare status change would skip what the policy requires.
    if let status = change.status, status != current.status {
      switch current.kind {
      case .complaint:
        throw CaseworkError.conflict("A complaint's status follows its stage; move the complaint instead.")
      case .incident where status == .resolved || status == .closed:
        throw CaseworkError.conflict(
          "An incident is resolved with a summary and closed with a post-incident review, not by changing its status.")
      default: break
      }
    }
    if let status = change.status {
      guard current.status.canMove(to: status) else {
        throw CaseworkError.invalidTransition(from: current.status, to: status)
      }
      updated.status = status
    }
    if let assignee = change.assignee {
      if let person = assignee, person != current.assigneeID, try await !people.isAssignable(person) {
        throw CaseworkError.invalid([FieldError(field: "assigneeId", message: "Choose an active member of staff.")])
      }
      updated.assigneeID = assignee
    }
    if let priority = change.priority { updated.priority = priority }
    var tagsChanged = false
    if let tags = change.tags {
      var clean: [String] = []
      for tag in tags {
        guard let normalised = InputRules.normaliseTag(tag) else {
          throw CaseworkError.invalid([
            FieldError(
              field: "tags", message: "Tags use letters, digits, hyphens and underscores, up to \(InputRules.maxTag) characters.")
          ])
        }
        if !clean.contains(normalised) { clean.append(normalised) }
      }
      guard clean.count <= InputRules.maxTags else {
        throw CaseworkError.invalid([FieldError(field: "tags", message: "A case can have at most \(InputRules.maxTags) tags.")])
      }
      tagsChanged = clean != current.tags
      updated.tags = clean
    }
    let now = clock.now().wholeMilliseconds
    let audit = fieldChanges(from: current, to: updated, by: actor, at: now)
    guard !audit.isEmpty else { return current }
    updated.updatedAt = now
    let (deadlines, deadlineAudit) = try await deadlineChanges(
      DeadlineEngine.events(from: current.status, to: updated.status), for: updated, by: actor, at: now)
    try await cases.save(
      CaseChange(updated: updated, tagsChanged: tagsChanged, audit: audit + deadlineAudit, deadlines: deadlines))
    return updated
  }

  /// Links this case to another by reference. Linking twice, or to itself, is refused.
  @discardableResult
  public func link(_ id: CaseID, to referenceText: String, relation: CaseLinkRelation, by actor: Actor) async throws -> LinkedCase
  {
    guard let current = try await cases.find(id: id) else { throw CaseworkError.caseNotFound }
    guard let reference = CaseReference(referenceText), let other = try await cases.find(reference: reference) else {
      throw CaseworkError.invalid([
        FieldError(field: "reference", message: "Enter the reference of an existing case, like SR-2026-000123.")
      ])
    }
    guard other.id != id else {
      throw CaseworkError.invalid([FieldError(field: "reference", message: "A case cannot be linked to itself.")])
    }
    if try await cases.links(of: id).contains(where: { $0.id == other.id && $0.relation == relation }) {
      throw CaseworkError.invalid([FieldError(field: "reference", message: "These cases are already linked that way.")])
    }
    let now = clock.now().wholeMilliseconds
    var updated = current
    updated.updatedAt = now
    try await cases.save(
      CaseChange(
        updated: updated,
        audit: [
          AuditEvent(
            caseID: id, actor: actor, at: now, field: "link", before: nil, after: "\(relation.rawValue) \(other.reference)")
        ],
        newLinks: [CaseLink(fromCaseID: id, toCaseID: other.id, relation: relation, createdAt: now)]))
    return LinkedCase(relation: relation, outgoing: true, id: other.id, reference: other.reference, subject: other.subject)
  }

  /// One audit event for each field that differs.
  func fieldChanges(from old: Case, to new: Case, by actor: Actor, at now: Date) -> [AuditEvent] {
    var events: [AuditEvent] = []
    func record(_ field: String, _ before: String?, _ after: String?) {
      if before != after {
        events.append(AuditEvent(caseID: old.id, actor: actor, at: now, field: field, before: before, after: after))
      }
    }
    record("status", old.status.rawValue, new.status.rawValue)
    record("assignee", old.assigneeID?.lowercaseString, new.assigneeID?.lowercaseString)
    record("priority", old.priority.rawValue, new.priority.rawValue)
    record("tags", old.tags.joined(separator: ", "), new.tags.joined(separator: ", "))
    record("clinical_flag", String(old.clinicalFlag), String(new.clinicalFlag))
    record("emergency_flag", String(old.emergencyFlag), String(new.emergencyFlag))
    return events
  }
}
