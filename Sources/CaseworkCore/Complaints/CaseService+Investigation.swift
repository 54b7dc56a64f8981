import Foundation

/// The findings of a complaint's investigation as a person writes them: everything but the
/// actions, which are added and completed one at a time.
public struct InvestigationFindings: Sendable, Equatable {
  public var whatHappened: String?
  public var whatWentWrong: String?
  public var apologyGiven: Bool?
  public var apologyWords: String?
  public var discussionOffered: Bool?
  public var discussionHeld: Bool?
  public var principles: [ComplaintPrinciple]
  public var notes: String?

  public init(
    whatHappened: String? = nil, whatWentWrong: String? = nil, apologyGiven: Bool? = nil, apologyWords: String? = nil,
    discussionOffered: Bool? = nil, discussionHeld: Bool? = nil, principles: [ComplaintPrinciple] = [], notes: String? = nil
  ) {
    self.whatHappened = whatHappened
    self.whatWentWrong = whatWentWrong
    self.apologyGiven = apologyGiven
    self.apologyWords = apologyWords
    self.discussionOffered = discussionOffered
    self.discussionHeld = discussionHeld
    self.principles = principles
    self.notes = notes
  }
}

/// One change to an investigation. Each is applied to the record as it is when stored, so two
/// people working on one complaint never undo each other's changes.
public enum InvestigationChange: Sendable, Equatable {
  case findings(InvestigationFindings)
  case addAction(description: String?, owner: String?, due: LocalDate?)
  case completeAction(UUID)
}

extension CaseService {
  /// Applies the changes, in order, to the investigation as stored, and writes it only if
  /// nobody changed it meanwhile; if somebody did, applies them again to what they wrote.
  @discardableResult
  public func changeInvestigation(_ id: CaseID, _ changes: [InvestigationChange], by actor: Actor) async throws
    -> ComplaintCase
  {
    for attempt in 1...5 {
      var current = try await complaint(id)
      let before = current.complaint
      let now = clock.now().wholeMilliseconds
      let summary = try Self.apply(changes, to: &current.complaint.investigation, at: now)
      let audit = AuditEvent(
        caseID: id, actor: actor, at: now, field: "complaint.investigation", before: nil,
        after: summary.isEmpty ? "no change" : summary.joined(separator: "; "))
      do {
        return try await apply(
          current, moving: nil, messages: [], outgoing: [], extraAudit: [audit], expecting: before, by: actor)
      } catch CaseworkError.conflict(let message) {
        if attempt == 5 { throw CaseworkError.conflict(message) }
      }
    }
    throw CaseworkError.conflict("This complaint is being changed by someone else. Reload it and try again.")
  }

  /// The changes applied to `record`, each checked; what changed, in words for the audit trail.
  static func apply(_ changes: [InvestigationChange], to record: inout InvestigationRecord, at now: Date) throws -> [String] {
    var summary: [String] = []
    var errors: [FieldError] = []
    for change in changes {
      switch change {
      case .findings(let findings):
        let previous = record
        record.whatHappened = InputRules.clean(findings.whatHappened)
        record.whatWentWrong = InputRules.clean(findings.whatWentWrong)
        record.apologyGiven = findings.apologyGiven
        record.apologyWords = InputRules.clean(findings.apologyWords)
        record.discussionOffered = findings.discussionOffered
        record.discussionHeld = findings.discussionHeld
        record.principles = findings.principles
        record.notes = InputRules.clean(findings.notes)
        let changed = [
          ("whatHappened", previous.whatHappened != record.whatHappened),
          ("whatWentWrong", previous.whatWentWrong != record.whatWentWrong),
          ("apologyGiven", previous.apologyGiven != record.apologyGiven),
          ("apologyWords", previous.apologyWords != record.apologyWords),
          ("discussionOffered", previous.discussionOffered != record.discussionOffered),
          ("discussionHeld", previous.discussionHeld != record.discussionHeld),
          ("principles", previous.principles != record.principles), ("notes", previous.notes != record.notes),
        ].filter(\.1).map(\.0)
        if !changed.isEmpty { summary.append("updated: \(changed.joined(separator: ", "))") }
      case .addAction(let description, let owner, let due):
        let description = InputRules.clean(description)
        let owner = InputRules.clean(owner)
        if description == nil { errors.append(FieldError(field: "actions", message: "Say what the action is.")) }
        if owner == nil { errors.append(FieldError(field: "actionOwner", message: "Say who owns the action.")) }
        if due == nil { errors.append(FieldError(field: "actionDue", message: "Enter the action's due date.")) }
        guard let description, let owner, let due else { continue }
        record.actions.append(ComplaintAction(description: description, owner: owner, due: due))
        summary.append("action added")
      case .completeAction(let actionID):
        guard let index = record.actions.firstIndex(where: { $0.id == actionID }) else {
          errors.append(FieldError(field: "actions", message: "There is no such action."))
          continue
        }
        guard record.actions[index].doneAt == nil else { continue }
        record.actions[index].doneAt = now
        summary.append("action done")
      }
    }
    if !errors.isEmpty { throw CaseworkError.invalid(errors) }
    return summary
  }
}
