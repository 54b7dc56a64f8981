import CaseworkCore
import Foundation
import Vapor

/// The complaint page of the staff console: where the complaint is, whether it was made in
/// time, and the next steps the process allows, each with its letter (domain §5).
struct StaffComplaintsController {
  func boot(_ routes: any RoutesBuilder) {
    let reading = routes.grouped(StaffAuthentication(permission: .readCases))
    reading.get(.complaint, use: show)
    reading.get(.complaintLetter, use: printable)
    let working = routes.grouped(StaffAuthentication(permission: .workCases))
    working.post(.complaintAcknowledge, use: acknowledge)
    working.post(.complaintMove, use: move)
    working.post(.complaintInvestigation, use: investigation)
    working.post(.complaintActionDone, use: actionDone)
    working.post(.complaintRespond, use: respond)
    working.post(.complaintOmbudsman, use: ombudsman)
    working.post(.caseRaiseComplaint, use: raise)
    let deciding = routes.grouped(StaffAuthentication(permission: .decideComplaints))
    deciding.post(.complaintTimeLimit, use: timeLimit)
    deciding.post(.complaintDelay, use: delay)
  }

  static let inputIDs = [
    "body": "letter_body", "reason": "decision_reason", "newDate": "delay_date", "whatHappened": "what_happened",
    "whatWentWrong": "what_went_wrong", "apologyGiven": "apology_given", "apologyWords": "apology_words",
    "actions": "action_description", "discussionOffered": "discussion_offered", "principles": "principles",
    "referredOn": "referred_on",
  ]

  func path(_ id: CaseID) -> String { SiteRoute.complaint.path(id) }

  func show(_ request: Request) async throws -> Response {
    try await render(request, id: try request.caseIDParameter())
  }

  func render(_ request: Request, id: CaseID, errors: FormErrors = FormErrors(), status: HTTPStatus = .ok) async throws
    -> Response
  {
    let service = request.casework.cases
    let current = try await service.complaint(id)
    let deadlines = try await service.deadlines(of: id)
    let user = try request.requireStaff()
    var letter: (kind: LetterKind, body: String)?
    if let kind = current.complaint.nextLetter { letter = (kind, try await service.letter(kind, for: id).body) }
    var page = StaffComplaintPage(
      PageContext(request), current: current, deadlines: deadlines, text: request.casework.deadlineText,
      now: request.casework.clock.now(),
      canDecide: user.can(.decideComplaints), letter: letter, errors: errors)
    page.canEmail = current.record.requester.hasEmailAddress
    if errors.isEmpty, request.query[String.self, at: "done"] == "recorded" {
      page.confirmation = "The complaint was recorded. Its receipt went to the complainant if they gave an email address."
    }
    return try await Pages.render(request, "staff-complaint", page, status: status)
  }

  /// Runs a step and returns to the complaint page; a refused step shows the page with why.
  private func act(_ request: Request, _ step: (CaseID) async throws -> Void) async throws -> Response {
    let id = try request.caseIDParameter()
    return try await request.act(on: id, done: path(id), inputIDs: Self.inputIDs, step) { refusal in
      try await render(request, id: id, errors: refusal.errors, status: refusal.status)
    }
  }

  struct LetterForm: Content {
    var body: String?
  }

  func acknowledge(_ request: Request) async throws -> Response {
    let body = try request.content.decode(LetterForm.self).body
    return try await act(request) { id in
      try await request.casework.cases.transitionComplaint(id, to: .acknowledged, letter: body, by: request.actor)
    }
  }

  func respond(_ request: Request) async throws -> Response {
    let body = try request.content.decode(LetterForm.self).body
    return try await act(request) { id in
      try await request.casework.cases.transitionComplaint(id, to: .responseSent, letter: body, by: request.actor)
    }
  }

  struct MoveForm: Content {
    var to: String?
  }

  func move(_ request: Request) async throws -> Response {
    let to = try request.content.decode(MoveForm.self).to ?? ""
    return try await act(request) { id in
      guard let stage = ComplaintStage(rawValue: to) else {
        throw CaseworkError.invalid([FieldError(field: "stage", message: "Choose a step.")])
      }
      try await request.casework.cases.transitionComplaint(id, to: stage, by: request.actor)
    }
  }

  struct DecisionForm: Content {
    var decision: String?
    var reason: String?
  }

  func timeLimit(_ request: Request) async throws -> Response {
    let form = try request.content.decode(DecisionForm.self)
    let user = try request.requireStaff()
    return try await act(request) { id in
      guard let decision = form.decision, ["accept", "decline"].contains(decision) else {
        throw CaseworkError.invalid([
          FieldError(field: "decision", message: "Choose whether to accept the complaint or decline it.")
        ])
      }
      try await request.casework.cases.decideTimeLimit(
        id, accept: decision == "accept", reason: form.reason ?? "", by: request.actor, staffID: user.id)
    }
  }

  struct DelayForm: Content {
    var reason: String?
    var new_date: String?
  }

  func delay(_ request: Request) async throws -> Response {
    let form = try request.content.decode(DelayForm.self)
    let user = try request.requireStaff()
    return try await act(request) { id in
      var errors: [FieldError] = []
      let date = request.dateFields("new_date").date(field: "newDate", label: "of the new response", errors: &errors)
      if form.new_date?.isEmpty ?? true { errors.append(FieldError(field: "newDate", message: "Enter the new date.")) }
      guard let date, errors.isEmpty else { throw CaseworkError.invalid(errors) }
      try await request.casework.cases.recordDelay(
        id, reason: form.reason ?? "", newDate: date, by: request.actor, staffID: user.id, name: user.name)
    }
  }

  struct InvestigationForm: Content {
    var what_happened: String?
    var what_went_wrong: String?
    var apology_given: String?
    var apology_words: String?
    var discussion_offered: String?
    var discussion_held: String?
    var principles: [String]?
    var notes: String?
    var action_description: String?
    var action_owner: String?
    var action_due: String?
  }

  func investigation(_ request: Request) async throws -> Response {
    let form = try request.content.decode(InvestigationForm.self)
    return try await act(request) { id in
      func yesNo(_ text: String?) -> Bool? { text == "yes" ? true : text == "no" ? false : nil }
      var changes: [InvestigationChange] = [
        .findings(
          InvestigationFindings(
            whatHappened: form.what_happened, whatWentWrong: form.what_went_wrong, apologyGiven: yesNo(form.apology_given),
            apologyWords: form.apology_words, discussionOffered: yesNo(form.discussion_offered),
            discussionHeld: yesNo(form.discussion_held),
            principles: (form.principles ?? []).compactMap(ComplaintPrinciple.init(rawValue:)), notes: form.notes))
      ]
      // A new action row, when any of it was filled in.
      if InputRules.clean(form.action_description) != nil || InputRules.clean(form.action_owner) != nil
        || !(form.action_due ?? "").isEmpty
      {
        var errors: [FieldError] = []
        let due = request.dateFields("action_due").date(field: "actionDue", label: "the action is due", errors: &errors)
        if !errors.isEmpty { throw CaseworkError.invalid(errors) }
        changes.append(.addAction(description: form.action_description, owner: form.action_owner, due: due))
      }
      try await request.casework.cases.changeInvestigation(id, changes, by: request.actor)
    }
  }

  func actionDone(_ request: Request) async throws -> Response {
    try await act(request) { id in
      guard let actionID = request.parameters.get("action").flatMap(UUID.init(uuidString:)) else {
        throw CaseworkError.invalid([FieldError(field: "actions", message: "There is no such action.")])
      }
      try await request.casework.cases.changeInvestigation(id, [.completeAction(actionID)], by: request.actor)
    }
  }

  struct OmbudsmanForm: Content {
    var referred_on: String?
    var reference: String?
    var request: String?
    var outcome: String?
  }

  func ombudsman(_ request: Request) async throws -> Response {
    let form = try request.content.decode(OmbudsmanForm.self)
    return try await act(request) { id in
      var errors: [FieldError] = []
      let date = request.dateFields("referred_on").date(
        field: "referredOn", label: "of the referral", errors: &errors)
      if form.referred_on?.isEmpty ?? true {
        errors.append(FieldError(field: "referredOn", message: "Enter the date the complainant went to the Ombudsman."))
      }
      guard let date, errors.isEmpty else { throw CaseworkError.invalid(errors) }
      try await request.casework.cases.recordOmbudsmanReferral(
        id,
        OmbudsmanReferral(
          referredOn: date, reference: InputRules.clean(form.reference), request: InputRules.clean(form.request),
          outcome: InputRules.clean(form.outcome)), by: request.actor)
    }
  }

  /// Raises a complaint from a support request and opens it.
  func raise(_ request: Request) async throws -> Response {
    let id = try request.caseIDParameter()
    var errors: [FieldError] = []
    var input = ComplaintInput()
    input.incidentDate = request.dateFields("incident_date").date(
      field: "incidentDate", label: "when it happened", errors: &errors)
    input.discoveredDate = request.dateFields("discovered_date").date(
      field: "discoveredDate", label: "when they found out", errors: &errors)
    if !errors.isEmpty { throw CaseworkError.invalid(errors) }
    let opened = try await request.casework.cases.raiseComplaint(from: id, complaint: input, by: request.actor)
    return request.redirect(to: path(opened.record.id), redirectType: .normal)
  }

  /// A letter on its own page, to print and post.
  func printable(_ request: Request) async throws -> Response {
    let id = try request.caseIDParameter()
    guard let kind = request.parameters.get("kind").flatMap({ LetterKind(rawValue: $0.replacingOccurrences(of: "-", with: "_")) })
    else { throw Abort(.notFound) }
    let service = request.casework.cases
    let current = try await service.complaint(id)
    let letter = try await service.letter(kind, for: id)
    let page = PrintableLetterPage(
      layout: Layout(request, title: "\(kind.displayName): \(current.record.reference)"), subject: letter.subject,
      paragraphs: letter.body.components(separatedBy: "\n"), backLink: path(id))
    return try await Pages.render(request, "staff-letter", page)
  }
}

struct PrintableLetterPage: Encodable {
  var layout: Layout
  var subject: String
  var paragraphs: [String]
  var backLink: String
}

/// Staff record a complaint that came by phone or post, with the day and time it really
/// reached us: its clocks start then, not when it was typed in.
struct StaffRecordComplaintController {
  func boot(_ routes: any RoutesBuilder) {
    let working = routes.grouped(StaffAuthentication(permission: .workCases))
    working.get(.recordComplaint, use: form)
    working.post(.recordComplaint, use: submit)
  }

  struct Submission: Content {
    var channel: String?
    var received_date: String?
    var received_time: String?
    var name: String?
    var email: String?
    var phone: String?
    var subject: String?
    var description: String?
    var incident_date: String?
    var discovered_date: String?
    var desired_outcome: String?
  }

  /// Where a posted complaint has no email address: recorded, never written to (RFC 2606).
  static let noEmail = "no-email@example.invalid"

  func form(_ request: Request) async throws -> Response {
    try await Pages.render(
      request, "staff-complaint-new", RecordComplaintPage(PageContext(request), form: Submission(channel: "phone")))
  }

  func submit(_ request: Request) async throws -> Response {
    let form = try request.content.decode(Submission.self)
    let services = request.casework
    var errors: [FieldError] = []
    let channel = form.channel.flatMap(CaseworkCore.Channel.init(rawValue:)).flatMap { [.phone, .post].contains($0) ? $0 : nil }
    if channel == nil { errors.append(FieldError(field: "channel", message: "Choose phone or post.")) }
    var receivedAt: Date?
    let received = request.dateFields("received_date")
    if let day = received.date(field: "receivedAt", label: "the complaint reached us", errors: &errors) {
      let parts = (form.received_time ?? "").split(separator: ":").compactMap { Int($0) }
      if !(form.received_time ?? "").isEmpty && (parts.count != 2 || !(0..<24).contains(parts[0]) || !(0..<60).contains(parts[1]))
      {
        errors.append(FieldError(field: "receivedTime", message: "Enter the time as hours and minutes, like 14:30."))
      } else {
        receivedAt = day.instant(hour: parts.first ?? 9, minute: parts.count == 2 ? parts[1] : 0)
      }
    } else if received.isEmpty {
      errors.append(FieldError(field: "receivedAt", message: "Enter the day the complaint reached us."))
    }
    var complaint = ComplaintInput(desiredOutcome: form.desired_outcome)
    complaint.incidentDate = request.dateFields("incident_date").date(
      field: "incidentDate", label: "when it happened", errors: &errors)
    complaint.discoveredDate = request.dateFields("discovered_date").date(
      field: "discoveredDate", label: "when they found out", errors: &errors)
    let email = InputRules.clean(form.email) ?? Self.noEmail
    let input = NewCaseInput(
      kind: .complaint, channel: channel ?? .phone, subject: form.subject, description: form.description,
      requesterName: form.name, requesterEmail: email, requesterPhone: form.phone, receivedAt: receivedAt, complaint: complaint)
    do {
      if !errors.isEmpty { throw CaseworkError.invalid(InputParsing.fieldErrors(of: input, now: services.clock.now()) + errors) }
      // The same form sent twice (a double click, the back button) records one complaint.
      let key = PublicSubmission.key(request.content[String.self, at: PublicSubmission.keyField])
      request.storage[FormKeyStorage.self] = key
      let record: Case
      if let key, let existing = try await services.cases.caseForSubmissionKey(key) {
        record = existing
      } else {
        record = try await services.cases.open(input, by: request.actor, submissionKey: key).record
      }
      return request.redirect(
        to: SiteRoute.complaint.path(record.id, query: [("done", "recorded")]), redirectType: .normal)
    } catch CaseworkError.invalid(let problems) {
      return try await Pages.render(
        request, "staff-complaint-new",
        RecordComplaintPage(
          PageContext(request), form: form, dates: RecordComplaintPage.dateFields(request),
          errors: FormErrors(problems, inputIDs: RecordComplaintPage.inputIDs)),
        status: .unprocessableEntity)
    }
  }
}

struct RecordComplaintPage: Encodable {
  var layout: Layout
  var form: StaffRecordComplaintController.Submission
  var phoneChecked: Bool
  var postChecked: Bool
  /// The dates as typed, in day, month and year fields.
  var dates: [String: DateFields]
  var errors: [String: String]
  var errorList: [FormErrors.Item]
  var hasErrors: Bool

  static let inputIDs = [
    "requester.name": "name", "requester.email": "email", "requester.phone": "phone", "subject": "subject",
    "description": "description", "incidentDate": "incident_date", "discoveredDate": "discovered_date",
    "receivedAt": "received_date", "receivedTime": "received_time", "channel": "channel_phone",
  ]

  static let dateInputs = ["received_date", "incident_date", "discovered_date"]

  /// The dates as posted, to show again beside the errors.
  static func dateFields(_ request: Request) -> [String: DateFields] {
    Dictionary(uniqueKeysWithValues: dateInputs.map { ($0, request.dateFields($0)) })
  }

  /// Built from values only: testable without a request.
  init(
    _ context: PageContext, form: StaffRecordComplaintController.Submission, dates: [String: DateFields] = [:],
    errors: FormErrors = FormErrors()
  ) {
    layout = Layout(context, title: "\(errors.isEmpty ? "" : "Error: ")Record a complaint")
    var shown = form
    if shown.email == StaffRecordComplaintController.noEmail { shown.email = nil }
    self.form = shown
    self.dates = Dictionary(uniqueKeysWithValues: Self.dateInputs.map { ($0, dates[$0] ?? DateFields()) })
    phoneChecked = form.channel != "post"
    postChecked = form.channel == "post"
    self.errors = errors.byField
    errorList = errors.list
    hasErrors = !errors.isEmpty
  }
}
