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

  init(_ request: Request, form: Form = Form(), errors: FormErrors = FormErrors()) {
    layout = Layout(request, title: errors.isEmpty ? "Contact technical support" : "Error: Contact technical support")
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
  /// Escalated already: the page says so instead of offering the button.
  var escalated: Bool
  var canEscalate: Bool
  var draft: String
  var errors: [String: String]
  var errorList: [FormErrors.Item]
  var hasErrors: Bool

  init(
    _ request: Request, record: Case, messages: [CaseMessage], token: String, draft: String = "",
    errors: FormErrors = FormErrors()
  ) {
    let dates = DisplayDates()
    layout = Layout(request, title: "\(record.reference) \(record.subject)")
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
    replyAction = "/my-case/\(token)/reply"
    escalateAction = "/my-case/\(token)/escalate"
    // What is true for this case: a complaint is with the managers from the start under its own
    // process, and is not "escalated"; a request is escalated only once it was.
    escalated = record.tags.contains(CaseService.escalatedTag)
    canEscalate = record.kind == .supportRequest
    self.draft = draft
    self.errors = errors.byField
    errorList = errors.list
    hasErrors = !errors.isEmpty
  }
}
