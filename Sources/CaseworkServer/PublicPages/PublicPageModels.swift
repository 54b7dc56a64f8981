import CaseworkCore
import Foundation
import Vapor

/// The support form, filled in again with what was sent when something needs correcting.
struct SupportFormPage: Encodable {
  struct Form: Encodable {
    var name = ""
    var email = ""
    var subject = ""
    var description = ""
    var nhsNumber = ""
  }

  var layout: Layout
  var form: Form
  var errors: [String: String]
  var errorList: [FormErrors.Item]
  var hasErrors: Bool
  /// Shown instead of the form while intake is stopped.
  var intakeMessage: String?

  static let inputIDs = [
    "requester.name": "name", "requester.email": "email", "subject": "subject", "description": "description",
    "requester.nhsNumber": "nhs_number",
  ]

  init(_ context: PageContext, form: Form = Form(), errors: FormErrors = FormErrors()) {
    layout = Layout(context, title: errors.isEmpty ? "Contact technical support" : "Error: Contact technical support")
    self.form = form
    self.errors = errors.byField
    errorList = errors.list
    hasErrors = !errors.isEmpty
  }
}

struct SubmittedPage: Encodable {
  var layout: Layout
  var reference: String
  var privateLink: String
  var privateLinkText: String
  var emergency: Bool
  var clinicalOnly: Bool
  var signposting: String?
}

/// The requester's own view of their case: never internal notes, NHS numbers masked.
struct RequesterCasePage: Encodable {
  struct Message: Encodable {
    var kind: String
    var author: String
    var when: String
    var body: String
  }

  var layout: Layout
  var reference: String
  var subject: String
  var statusName: String
  var opened: String
  var messages: [Message]
  var replyAction: String
  var escalateAction: String
  /// Escalated already: the page says where the escalation stands instead of offering the button.
  var escalated: Bool
  var escalationText: String?
  var escalationAnswered: Bool
  var canEscalate: Bool
  var draft: String
  var errors: [String: String]
  var errorList: [FormErrors.Item]
  var hasErrors: Bool

  init(
    _ context: PageContext, record: Case, messages: [CaseMessage], deadlines: [Deadline], token: String, draft: String = "",
    errors: FormErrors = FormErrors()
  ) {
    let dates = DisplayDates()
    layout = Layout(context, title: "\(record.reference) \(record.subject)")
    reference = record.reference.description
    subject = NHSNumber.mask(in: record.subject)
    statusName = record.status.displayName
    opened = dates.string(record.receivedAt)
    self.messages = messages.filter(\.isVisibleToRequester).map { message in
      Message(
        kind: message.kind.rawValue,
        author: message.kind == .inbound ? "You" : "Technical support",
        when: dates.string(message.createdAt), body: NHSNumber.mask(in: message.body))
    }
    replyAction = SiteRoute.requesterReply.path(token)
    escalateAction = SiteRoute.requesterEscalate.path(token)
    // What is true for this case: a complaint is with the managers from the start under its own
    // process, and is not "escalated"; a request is escalated only once it was.
    let escalation = deadlines.last { $0.name == "escalation_response" }
    escalated = escalation != nil
    escalationAnswered = escalation?.metAt != nil
    escalationText = escalation.map { deadline in
      let due = deadline.dueAt.map { CaseService.longDate(LocalDate($0)) } ?? "soon"
      if let met = deadline.metAt {
        return
          "A support team manager answered your escalation on \(dates.string(met)). If you are still not happy, you can make a formal complaint."
      }
      if deadline.state == .breached {
        return
          "You asked for escalation. A support team manager's answer was due by the end of \(due) and is late: we are sorry. It will come as soon as possible."
      }
      return "You asked for escalation. A support team manager will respond to you by the end of \(due)."
    }
    canEscalate = record.kind == .supportRequest
    self.draft = draft
    self.errors = errors.byField
    errorList = errors.list
    hasErrors = !errors.isEmpty
  }
}
