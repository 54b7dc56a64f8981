import CaseworkCore
import Foundation
import Vapor

/// The public **Make a complaint** page: the policy in plain words before the form, then what
/// happened, when, when they found out, what they would like us to do, and how to reach them.
struct ComplaintPublicController {
  func boot(_ routes: any RoutesBuilder) {
    routes.get(.complaintForm, use: form)
    routes.post(.complaintForm, use: submit)
  }

  struct Submission: Content {
    var name: String?
    var email: String?
    var phone: String?
    var subject: String?
    var description: String?
    /// Dates come as day, month and year fields (GOV.UK's date input); a single
    /// `incident_date` of `YYYY-MM-DD` is read too.
    var incident_date: String?
    var incident_date_day: String?
    var incident_date_month: String?
    var incident_date_year: String?
    var discovered_date: String?
    var discovered_date_day: String?
    var discovered_date_month: String?
    var discovered_date_year: String?
    var desired_outcome: String?
    var form_key: String?

    var incident: DateFields {
      DateFields(day: incident_date_day, month: incident_date_month, year: incident_date_year, whole: incident_date)
    }
    var discovered: DateFields {
      DateFields(day: discovered_date_day, month: discovered_date_month, year: discovered_date_year, whole: discovered_date)
    }
  }

  func form(_ request: Request) async throws -> Response {
    var page = ComplaintFormPage(PageContext(request), preset: request.casework.cases.complaintPolicy.preset)
    page.intakeMessage = try await request.intakeStoppedMessage()
    return try await Pages.render(request, "complaint-form", page)
  }

  func submit(_ request: Request) async throws -> Response {
    let services = request.casework
    try await request.requireIntakeOpen()
    let submission = try request.content.decode(Submission.self)
    var errors: [FieldError] = []
    var complaint = ComplaintInput(desiredOutcome: submission.desired_outcome)
    complaint.incidentDate = submission.incident.date(field: "incidentDate", label: "when it happened", errors: &errors)
    complaint.discoveredDate = submission.discovered.date(
      field: "discoveredDate", label: "when you found out", errors: &errors)
    let input = NewCaseInput(
      kind: .complaint, channel: .web, subject: submission.subject, description: submission.description,
      requesterName: submission.name, requesterEmail: submission.email, requesterPhone: submission.phone,
      complaint: complaint)
    let rerender: ([FieldError], HTTPStatus) async throws -> Response = { errors, status in
      let form = ComplaintFormPage.Form(
        name: submission.name ?? "", email: submission.email ?? "", phone: submission.phone ?? "",
        subject: submission.subject ?? "", description: submission.description ?? "",
        incident: submission.incident, discovered: submission.discovered,
        desiredOutcome: submission.desired_outcome ?? "")
      return try await Pages.render(
        request, "complaint-form",
        ComplaintFormPage(
          PageContext(request), preset: services.cases.complaintPolicy.preset, form: form,
          errors: FormErrors(errors, inputIDs: ComplaintFormPage.inputIDs, order: ComplaintFormPage.inputOrder)),
        status: status)
    }
    if !errors.isEmpty {
      // Name every problem at once: the dates and whatever Core finds in the rest.
      request.storage[FormKeyStorage.self] = PublicSubmission.key(submission.form_key)
      return try await rerender(
        InputParsing.fieldErrors(of: input, now: services.clock.now()) + errors, .unprocessableEntity)
    }
    return try await request.openPublicCase(input, formKey: submission.form_key, rerender: rerender)
  }
}

struct ComplaintFormPage: Encodable {
  struct Form: Encodable {
    var name = ""
    var email = ""
    var phone = ""
    var subject = ""
    var description = ""
    var incident = DateFields()
    var discovered = DateFields()
    var desiredOutcome = ""
  }

  var layout: Layout
  var form: Form
  var errors: [String: String]
  var errorList: [FormErrors.Item]
  var hasErrors: Bool
  /// The time limit in force, in plain words.
  var timeLimit: String
  var nextStage: [String]
  /// Shown instead of the form while intake is stopped.
  var intakeMessage: String?

  /// The inputs in the order the page shows them.
  static let inputOrder = [
    "subject", "description", "incident_date", "discovered_date", "desired_outcome", "name", "email", "phone",
  ]

  static let inputIDs = [
    "requester.name": "name", "requester.email": "email", "requester.phone": "phone", "subject": "subject",
    "description": "description", "incidentDate": "incident_date", "discoveredDate": "discovered_date",
    "desiredOutcome": "desired_outcome", "receivedAt": "incident_date",
  ]

  /// Built from values only: testable without a request.
  init(_ context: PageContext, preset: EligibilityPreset, form: Form = Form(), errors: FormErrors = FormErrors()) {
    layout = Layout(context, title: errors.isEmpty ? "Make a complaint" : "Error: Make a complaint")
    self.form = form
    self.errors = errors.byField
    errorList = errors.list
    hasErrors = !errors.isEmpty
    timeLimit =
      switch preset {
      case .sourcePolicy:
        "Please make your complaint within 6 months of the problem happening, or within 6 months of finding out about it as long as that is within 12 months of the problem happening."
      case .nhsEngland:
        "Please make your complaint within 12 months of the problem happening or, if later, within 12 months of finding out about it."
      }
    nextStage = LetterTemplate.nextStage.components(separatedBy: "\n")
  }
}

struct ComplaintSubmittedPage: Encodable {
  var layout: Layout
  var reference: String
  var privateLink: String
  var privateLinkText: String
  var emergency: Bool
  var signposting: String?
}
