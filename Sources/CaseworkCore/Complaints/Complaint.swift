import Foundation

/// What a formal complaint holds beyond its case (domain §5): the dates and the eligibility
/// decided from them, where it is in its process, the investigation, and what came after.
public struct Complaint: Sendable, Equatable, Codable {
  public var caseID: CaseID
  public var stage: ComplaintStage
  public var preset: EligibilityPreset
  public var dates: ComplaintDates
  public var eligibility: EligibilityDecision
  /// What the complainant would like us to do.
  public var desiredOutcome: String?
  /// A manager's decision on a complaint made out of time (or undecided): accepted anyway, or not.
  public var timeLimitDecision: TimeLimitDecision?
  public var investigation: InvestigationRecord
  public var delays: [DelayNotice]
  public var ombudsman: OmbudsmanReferral?
  public var followUp: FollowUpRecord?
  /// The support request it was raised from, if any.
  public var raisedFrom: CaseID?

  public init(
    caseID: CaseID, stage: ComplaintStage = .received, preset: EligibilityPreset, dates: ComplaintDates,
    desiredOutcome: String? = nil, raisedFrom: CaseID? = nil
  ) {
    self.caseID = caseID
    self.stage = stage
    self.preset = preset
    self.dates = dates
    self.eligibility = ComplaintEligibility.decide(dates, preset: preset)
    self.desiredOutcome = desiredOutcome
    self.investigation = InvestigationRecord()
    self.delays = []
    self.raisedFrom = raisedFrom
  }

  /// Whether work may go ahead: eligible, or a manager accepted it anyway.
  public var mayProceed: Bool {
    eligibility.eligible == true || timeLimitDecision?.accepted == true
  }

  /// The letter the stage calls for next, once it can be sent: the acknowledgement when a
  /// received complaint may proceed, the final response when the investigation holds all it needs.
  public var nextLetter: LetterKind? {
    switch stage {
    case .received where mayProceed: .acknowledgement
    case .investigating where investigation.missingForResponse.isEmpty: .finalResponse
    default: nil
    }
  }

  /// Why it may not go ahead yet, in words for staff; nil when it may.
  public var holdReason: String? {
    if mayProceed { return nil }
    if timeLimitDecision?.accepted == false { return "A manager decided this complaint is out of time." }
    return eligibility.eligible == nil
      ? "Eligibility is undecided: \(eligibility.reason) A support manager may accept it with a reason."
      : "This complaint is out of time (\(eligibility.rule)). A support manager may accept it with a reason, or close it with a letter that explains why."
  }
}

public struct TimeLimitDecision: Sendable, Equatable, Codable {
  public var accepted: Bool
  public var reason: String
  public var by: StaffID
  public var at: Date

  public init(accepted: Bool, reason: String, by: StaffID, at: Date) {
    self.accepted = accepted
    self.reason = reason
    self.by = by
    self.at = at
  }
}

/// A delay in the investigation: the reason and the new date, told to the complainant.
public struct DelayNotice: Sendable, Equatable, Codable {
  public var reason: String
  public var newDate: LocalDate
  public var by: StaffID
  public var at: Date

  public init(reason: String, newDate: LocalDate, by: StaffID, at: Date) {
    self.reason = reason
    self.newDate = newDate
    self.by = by
    self.at = at
  }
}

public struct OmbudsmanReferral: Sendable, Equatable, Codable {
  public var referredOn: LocalDate
  public var reference: String?
  public var request: String?
  public var outcome: String?

  public init(referredOn: LocalDate, reference: String? = nil, request: String? = nil, outcome: String? = nil) {
    self.referredOn = referredOn
    self.reference = reference
    self.request = request
    self.outcome = outcome
  }
}

public struct FollowUpRecord: Sendable, Equatable, Codable {
  public enum Answer: String, Sendable, Codable {
    case satisfied
    case reopened
  }

  public var sentAt: Date
  public var answer: Answer?
  public var answeredAt: Date?

  public init(sentAt: Date, answer: Answer? = nil, answeredAt: Date? = nil) {
    self.sentAt = sentAt
    self.answer = answer
    self.answeredAt = answeredAt
  }
}

/// One thing that will be done so the problem does not happen again, tracked to done.
public struct ComplaintAction: Sendable, Equatable, Codable, Identifiable {
  public var id: UUID
  public var description: String
  public var owner: String
  public var due: LocalDate
  public var doneAt: Date?

  public init(id: UUID = UUID(), description: String, owner: String, due: LocalDate, doneAt: Date? = nil) {
    self.id = id
    self.description = description
    self.owner = owner
    self.due = due
    self.doneAt = doneAt
  }

  enum CodingKeys: String, CodingKey { case id, description, owner, due, doneAt }

  /// A new action sent without an id gets one.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decodeIfPresent(UUID.self, forKey: .id) ?? UUID()
    description = try container.decode(String.self, forKey: .description)
    owner = try container.decode(String.self, forKey: .owner)
    due = try container.decode(LocalDate.self, forKey: .due)
    doneAt = try container.decodeIfPresent(Date.self, forKey: .doneAt)
  }
}

/// What the investigation found and decided; the final response letter is assembled from it.
public struct InvestigationRecord: Sendable, Equatable, Codable {
  public var whatHappened: String?
  public var whatWentWrong: String?
  /// Whether an apology is given; nil until decided.
  public var apologyGiven: Bool?
  public var apologyWords: String?
  public var actions: [ComplaintAction]
  public var discussionOffered: Bool?
  public var discussionHeld: Bool?
  public var principles: [ComplaintPrinciple]
  public var notes: String?

  public init(
    whatHappened: String? = nil, whatWentWrong: String? = nil, apologyGiven: Bool? = nil, apologyWords: String? = nil,
    actions: [ComplaintAction] = [], discussionOffered: Bool? = nil, discussionHeld: Bool? = nil,
    principles: [ComplaintPrinciple] = [], notes: String? = nil
  ) {
    self.whatHappened = whatHappened
    self.whatWentWrong = whatWentWrong
    self.apologyGiven = apologyGiven
    self.apologyWords = apologyWords
    self.actions = actions
    self.discussionOffered = discussionOffered
    self.discussionHeld = discussionHeld
    self.principles = principles
    self.notes = notes
  }

  /// What must be filled in before the final response can be sent, each said plainly.
  public var missingForResponse: [FieldError] {
    var missing: [FieldError] = []
    func blank(_ text: String?) -> Bool { (text ?? "").allSatisfy(\.isWhitespace) }
    if blank(whatHappened) { missing.append(FieldError(field: "whatHappened", message: "Say what happened.")) }
    if blank(whatWentWrong) {
      missing.append(
        FieldError(field: "whatWentWrong", message: "Say what went wrong (or that nothing did, and why)."))
    }
    switch apologyGiven {
    case nil: missing.append(FieldError(field: "apologyGiven", message: "Decide whether to apologise."))
    case true? where blank(apologyWords):
      missing.append(FieldError(field: "apologyWords", message: "Write the words of the apology."))
    default: break
    }
    if actions.isEmpty {
      missing.append(
        FieldError(field: "actions", message: "Add at least one action so that the problem does not happen again."))
    }
    if discussionOffered == nil {
      missing.append(
        FieldError(field: "discussionOffered", message: "Record whether a discussion of the problem was offered."))
    }
    if principles.isEmpty {
      missing.append(FieldError(field: "principles", message: "Choose the principles of complaint handling the case bears on."))
    }
    return missing
  }
}

/// What opening a complaint adds to a case's input.
public struct ComplaintInput: Sendable, Equatable {
  public var incidentDate: LocalDate?
  public var discoveredDate: LocalDate?
  public var desiredOutcome: String?
  /// The support request it is raised from.
  public var raisedFrom: CaseID?

  public init(
    incidentDate: LocalDate? = nil, discoveredDate: LocalDate? = nil, desiredOutcome: String? = nil, raisedFrom: CaseID? = nil
  ) {
    self.incidentDate = incidentDate
    self.discoveredDate = discoveredDate
    self.desiredOutcome = desiredOutcome
    self.raisedFrom = raisedFrom
  }
}
