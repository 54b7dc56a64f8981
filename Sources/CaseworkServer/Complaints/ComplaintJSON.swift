import CaseworkCore
import Foundation
import Vapor

/// A complaint as the API shows it; the OpenAPI `Complaint` schema describes it. Every part is
/// an API type of its own: Core's records are copied field by field, never encoded themselves,
/// so a change to Core cannot change the API unnoticed.
struct ComplaintResponse: Content {
  struct Dates: Content {
    var received: String
    var incident: String?
    var discovered: String?
  }

  struct Eligibility: Content {
    var eligible: Bool?
    var rule: String
    var reason: String
  }

  struct TimeLimit: Content {
    var accepted: Bool
    var reason: String
    var by: UUID
    var at: Date
  }

  struct Action: Content {
    var id: UUID
    var description: String
    var owner: String
    var due: String
    var doneAt: Date?

    init(_ action: ComplaintAction) {
      id = action.id
      description = action.description
      owner = action.owner
      due = action.due.description
      doneAt = action.doneAt
    }
  }

  struct Investigation: Content {
    var whatHappened: String?
    var whatWentWrong: String?
    var apologyGiven: Bool?
    var apologyWords: String?
    var actions: [Action]
    var discussionOffered: Bool?
    var discussionHeld: Bool?
    var principles: [String]
    var notes: String?

    init(_ record: InvestigationRecord) {
      whatHappened = record.whatHappened
      whatWentWrong = record.whatWentWrong
      apologyGiven = record.apologyGiven
      apologyWords = record.apologyWords
      actions = record.actions.map(Action.init)
      discussionOffered = record.discussionOffered
      discussionHeld = record.discussionHeld
      principles = record.principles.map(\.rawValue)
      notes = record.notes
    }
  }

  struct Missing: Content {
    var field: String
    var message: String
  }

  struct Delay: Content {
    var reason: String
    var newDate: String
    var by: UUID
    var at: Date
  }

  struct Ombudsman: Content {
    var referredOn: String
    var reference: String?
    var request: String?
    var outcome: String?
  }

  struct FollowUp: Content {
    var sentAt: Date
    var answer: String?
    var answeredAt: Date?
  }

  var caseId: String
  var reference: String
  var stage: String
  var allowedNext: [String]
  var preset: String
  var dates: Dates
  var eligibility: Eligibility
  var mayProceed: Bool
  var holdReason: String?
  var desiredOutcome: String?
  var timeLimitDecision: TimeLimit?
  var investigation: Investigation
  var missingForResponse: [Missing]
  var delays: [Delay]
  var ombudsman: Ombudsman?
  var followUp: FollowUp?
  var raisedFrom: String?

  init(_ current: ComplaintCase) {
    let complaint = current.complaint
    caseId = current.record.id.lowercaseString
    reference = current.record.reference.description
    stage = complaint.stage.rawValue
    allowedNext = complaint.stage.allowedNext.map(\.rawValue)
    preset = complaint.preset.rawValue
    dates = Dates(
      received: complaint.dates.received.description, incident: complaint.dates.incident?.description,
      discovered: complaint.dates.discovered?.description)
    eligibility = Eligibility(
      eligible: complaint.eligibility.eligible, rule: complaint.eligibility.rule, reason: complaint.eligibility.reason)
    mayProceed = complaint.mayProceed
    holdReason = complaint.holdReason
    desiredOutcome = complaint.desiredOutcome
    timeLimitDecision = complaint.timeLimitDecision.map {
      TimeLimit(accepted: $0.accepted, reason: $0.reason, by: $0.by, at: $0.at)
    }
    investigation = Investigation(complaint.investigation)
    missingForResponse = complaint.investigation.missingForResponse.map { Missing(field: $0.field, message: $0.message) }
    delays = complaint.delays.map { Delay(reason: $0.reason, newDate: $0.newDate.description, by: $0.by, at: $0.at) }
    ombudsman = complaint.ombudsman.map {
      Ombudsman(referredOn: $0.referredOn.description, reference: $0.reference, request: $0.request, outcome: $0.outcome)
    }
    followUp = complaint.followUp.map { FollowUp(sentAt: $0.sentAt, answer: $0.answer?.rawValue, answeredAt: $0.answeredAt) }
    raisedFrom = complaint.raisedFrom?.lowercaseString
  }
}

struct LetterResponse: Content {
  var kind: String
  var subject: String
  var body: String
}
