import CaseworkCore
import Foundation
import Vapor

/// The public **Report an incident** page for professional users (domain §6): what is
/// affected, since when, how many users or patients, any patient-safety impact, any personal
/// data involved. A report goes straight to the triage queue.
struct IncidentReportController {
  func boot(_ routes: any RoutesBuilder) {
    routes.get(.reportIncident, use: form)
    routes.post(.reportIncident, use: submit)
  }

  struct Submission: Content {
    var name: String?
    var email: String?
    var organisation: String?
    var phone: String?
    var affected: String?
    var since: String?
    var how_many: String?
    var patient_safety: String?
    var personal_data: String?
    var description: String?
    var notify: String?
    var form_key: String?
  }

  static let answers = ["yes": "Yes", "no": "No", "unsure": "Not sure"]
  /// Reporters who asked to hear when the incident is resolved.
  static let notifyTag = CaseService.notifyOnResolutionTag

  func form(_ request: Request) async throws -> Response {
    var page = IncidentReportPage(PageContext(request), form: Submission())
    page.intakeMessage = try await request.intakeStoppedMessage()
    return try await Pages.render(request, "incident-report", page)
  }

  func submit(_ request: Request) async throws -> Response {
    let services = request.casework
    try await request.requireIntakeOpen()
    let form = try request.content.decode(Submission.self)
    var errors: [FieldError] = []
    if InputRules.clean(form.organisation) == nil {
      errors.append(FieldError(field: "organisation", message: "Enter your organisation, such as your practice's name."))
    }
    for (field, value, label) in [
      ("patientSafety", form.patient_safety, "whether patient safety could be affected"),
      ("personalData", form.personal_data, "whether personal data is involved"),
    ] where value.flatMap({ Self.answers[$0] }) == nil {
      errors.append(FieldError(field: field, message: "Say \(label): yes, no or not sure."))
    }
    let details = [
      "What is affected: \(InputRules.clean(form.affected) ?? "not said")",
      "Since: \(InputRules.clean(form.since) ?? "not said")",
      "How many users or patients: \(InputRules.clean(form.how_many) ?? "not said")",
      "Patient safety could be affected: \(form.patient_safety.flatMap { Self.answers[$0] } ?? "not said")",
      "Personal data involved: \(form.personal_data.flatMap { Self.answers[$0] } ?? "not said")",
    ]
    var tags = [CaseService.possibleIncidentTag]
    if form.patient_safety == "yes" { tags.append(CaseService.patientSafetyTag) }
    if form.personal_data == "yes" { tags.append(CaseService.personalDataTag) }
    if form.notify == "yes" { tags.append(Self.notifyTag) }
    let input = NewCaseInput(
      kind: .supportRequest, channel: .web, subject: form.affected.map { "Incident report: \($0)" },
      description: InputRules.clean(form.description).map { $0 + "\n\n" + details.joined(separator: "\n") },
      requesterName: form.name, requesterEmail: form.email, requesterPhone: form.phone, organisation: form.organisation,
      tags: tags)
    let rerender: ([FieldError], HTTPStatus) async throws -> Response = { problems, status in
      try await Pages.render(
        request, "incident-report",
        IncidentReportPage(PageContext(request), form: form, errors: FormErrors(problems, inputIDs: IncidentReportPage.inputIDs)),
        status: status)
    }
    if !errors.isEmpty {
      request.storage[FormKeyStorage.self] = PublicSubmission.key(form.form_key)
      return try await rerender(
        InputParsing.fieldErrors(of: input, now: services.clock.now()) + errors, .unprocessableEntity)
    }
    return try await request.openPublicCase(input, formKey: form.form_key, rerender: rerender)
  }
}

struct IncidentReportPage: Encodable {
  struct Choice: Encodable {
    var value: String
    var label: String
    var checked: Bool
  }

  var layout: Layout
  var form: IncidentReportController.Submission
  var patientSafety: [Choice]
  var personalData: [Choice]
  var notify: Bool
  var intakeMessage: String?
  var errors: [String: String]
  var errorList: [FormErrors.Item]
  var hasErrors: Bool

  static let inputIDs = [
    "requester.name": "name", "requester.email": "email", "requester.phone": "phone", "requester.organisation": "organisation",
    "organisation": "organisation", "subject": "affected", "description": "description", "patientSafety": "patient_safety_yes",
    "personalData": "personal_data_yes",
  ]

  init(_ context: PageContext, form: IncidentReportController.Submission, errors: FormErrors = FormErrors()) {
    layout = Layout(context, title: "\(errors.isEmpty ? "" : "Error: ")Report an incident")
    self.form = form
    func choices(_ value: String?) -> [Choice] {
      ["yes", "no", "unsure"].map { Choice(value: $0, label: IncidentReportController.answers[$0]!, checked: value == $0) }
    }
    patientSafety = choices(form.patient_safety)
    personalData = choices(form.personal_data)
    notify = form.notify == "yes"
    self.errors = errors.byField
    errorList = errors.list
    hasErrors = !errors.isEmpty
  }
}
