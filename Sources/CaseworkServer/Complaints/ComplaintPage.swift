import CaseworkCore
import Foundation
import Vapor

/// The staff complaint page: stage, time limit, dates, the investigation record, and the forms
/// for the steps the process allows now.
struct StaffComplaintPage: Encodable {
  struct ActionView: Encodable {
    var id: String
    /// The form that marks the action done.
    var doneAction: String
    var description: String
    var owner: String
    var due: String
    var done: String?
  }

  struct DelayView: Encodable {
    var when: String
    var reason: String
    var newDate: String
  }

  struct PrincipleOption: Encodable {
    var value: String
    var label: String
    var checked: Bool
  }

  /// Whether the letter can go by email; otherwise it is printed and posted.
  var canEmail: Bool = true
  /// "The complaint was recorded": said once after recording it.
  var confirmation: String?
  var layout: Layout
  var caseLink: String
  var paths: ComplaintPaths
  var reference: String
  var subject: String
  var requesterName: String
  var stage: String
  var eligibility: String
  var eligibilityClass: String
  var rule: String
  var reason: String
  var holdReason: String?
  var decision: String?
  var received: String
  var incident: String
  var discovered: String
  var desiredOutcome: String?
  var deadlines: [DeadlineView]
  var hasDeadlines: Bool
  var canDecide: Bool
  var decideTimeLimit: Bool
  var canStartInvestigating: Bool
  var canDelay: Bool
  var showInvestigation: Bool
  var canClose: Bool
  var canReopen: Bool
  var canRefer: Bool
  /// The printable letter, and the form that sends it.
  var letterLink: String?
  var letterTitle: String?
  var letterAction: String?
  var letterBody: String?
  var missing: [String]
  var hasMissing: Bool
  var hasActions: Bool
  var hasDelays: Bool
  var form: InvestigationRecordForm
  var actions: [ActionView]
  var delays: [DelayView]
  var principles: [PrincipleOption]
  var ombudsman: OmbudsmanReferral?
  var ombudsmanDate = DateFields()
  var followUp: String?
  var errors: [String: String]
  var errorList: [FormErrors.Item]
  var hasErrors: Bool

  struct InvestigationRecordForm: Encodable {
    var whatHappened: String
    var whatWentWrong: String
    var apologyYes: Bool
    var apologyNo: Bool
    var apologyWords: String
    var discussionOfferedYes: Bool
    var discussionOfferedNo: Bool
    var discussionHeldYes: Bool
    var discussionHeldNo: Bool
    var notes: String
  }

  init(
    _ context: PageContext, current: ComplaintCase, deadlines: [Deadline], text: DeadlineText, now: Date, canDecide: Bool,
    letter: (kind: LetterKind, body: String)?, errors: FormErrors
  ) {
    let complaint = current.complaint
    let record = current.record
    let id = record.id.lowercaseString
    let dates = DisplayDates()
    layout = Layout(context, title: "\(errors.isEmpty ? "" : "Error: ")Complaint \(record.reference)")
    caseLink = SiteRoute.staffCase.path(record.id)
    let paths = ComplaintPaths(record.id)
    self.paths = paths
    reference = record.reference.description
    subject = NHSNumber.mask(in: record.subject)
    requesterName = record.requester.name
    stage = complaint.stage.displayName
    switch complaint.eligibility.eligible {
    case true?: (eligibility, eligibilityClass) = ("In time", "ok")
    case false?: (eligibility, eligibilityClass) = ("Out of time", "breached")
    case nil: (eligibility, eligibilityClass) = ("Undecided", "warning")
    }
    rule = complaint.eligibility.rule
    reason = complaint.eligibility.reason
    holdReason = complaint.holdReason
    decision = complaint.timeLimitDecision.map {
      "\($0.accepted ? "Accepted" : "Declined") on \(dates.string($0.at)): \($0.reason)"
    }
    received = complaint.dates.received.longText
    incident = complaint.dates.incident?.longText ?? "Not given"
    discovered = complaint.dates.discovered?.longText ?? "Not given"
    desiredOutcome = complaint.desiredOutcome
    self.deadlines = deadlines.map { DeadlineView($0, text: text, now: now, dates: dates) }
    hasDeadlines = !deadlines.isEmpty
    self.canDecide = canDecide
    let stage = complaint.stage
    decideTimeLimit =
      canDecide && stage == .received && complaint.eligibility.eligible != true
      && complaint.timeLimitDecision == nil
    canStartInvestigating = stage.canMove(to: .investigating) && complaint.mayProceed
    canDelay = canDecide && [.acknowledged, .investigating, .reopened].contains(stage)
    showInvestigation = [.acknowledged, .investigating, .reopened, .responseSent].contains(stage)
    canClose = stage == .responseSent
    canReopen = stage.canMove(to: .reopened)
    canRefer = stage.canMove(to: .referredToOmbudsman) || stage == .referredToOmbudsman
    letterLink = letter.map { SiteRoute.complaintLetter.path(id, $0.kind.rawValue) }
    letterTitle = letter.map { $0.kind == .acknowledgement ? "Send the acknowledgement" : "Send the final response" }
    letterAction = letter.map { $0.kind == .acknowledgement ? paths.acknowledge : paths.respond }
    letterBody = letter?.body
    missing = stage == .investigating ? complaint.investigation.missingForResponse.map(\.message) : []
    hasMissing = !missing.isEmpty
    hasActions = !complaint.investigation.actions.isEmpty
    hasDelays = !complaint.delays.isEmpty
    let investigation = complaint.investigation
    form = InvestigationRecordForm(
      whatHappened: investigation.whatHappened ?? "", whatWentWrong: investigation.whatWentWrong ?? "",
      apologyYes: investigation.apologyGiven == true, apologyNo: investigation.apologyGiven == false,
      apologyWords: investigation.apologyWords ?? "", discussionOfferedYes: investigation.discussionOffered == true,
      discussionOfferedNo: investigation.discussionOffered == false, discussionHeldYes: investigation.discussionHeld == true,
      discussionHeldNo: investigation.discussionHeld == false, notes: investigation.notes ?? "")
    actions = investigation.actions.map {
      ActionView(
        id: $0.id.lowercaseString,
        doneAction: SiteRoute.complaintActionDone.path(record.id.lowercaseString, $0.id.lowercaseString),
        description: $0.description, owner: $0.owner, due: $0.due.longText,
        done: $0.doneAt.map(dates.string))
    }
    delays = complaint.delays.map { DelayView(when: dates.string($0.at), reason: $0.reason, newDate: $0.newDate.longText) }
    principles = ComplaintPrinciple.allCases.map {
      PrincipleOption(value: $0.rawValue, label: $0.displayName, checked: investigation.principles.contains($0))
    }
    ombudsman = complaint.ombudsman
    ombudsmanDate = DateFields(complaint.ombudsman?.referredOn)
    followUp = complaint.followUp.map { record in
      "Sent \(dates.string(record.sentAt))"
        + (record.answer.map { $0 == .satisfied ? "; the complainant is satisfied" : "; the complainant's reply reopened it" }
          ?? "")
    }
    self.errors = errors.byField
    errorList = errors.list
    hasErrors = !errors.isEmpty
  }
}
