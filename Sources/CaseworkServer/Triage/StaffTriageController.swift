import CaseworkCore
import Foundation
import Vapor

/// The triage queue (domain §6): each waiting report with what the reporter wrote and
/// answered, and a decision that cannot be made by accident: impact and urgency have no
/// default, and the severity they give, with its targets, can be checked before declaring
/// (a "Check the severity" button: no JavaScript needed).
struct StaffTriageController {
  func boot(_ routes: any RoutesBuilder) {
    routes.grouped(StaffAuthentication(permission: .readCases)).get(.triage, use: queue)
    routes.grouped(StaffAuthentication(permission: .workCases)).post(.triageDecision, use: decide)
  }

  struct Row: Encodable {
    var id: String
    var href: String
    var action: String
    var reference: String
    var subject: String
    var channel: String
    var waited: String
    var reporter: String
    var organisation: String?
    /// What the reporter wrote, NHS numbers masked.
    var text: String
    /// Their answers: patient safety, personal data, whether to be told.
    var answers: [String]
    var hasAnswers: Bool
    var impactOptions: [Option]
    var urgencyOptions: [Option]
    var declareChosen: Bool
    var linkChosen: Bool
    var notAnIncidentChosen: Bool
    var title: String
    var incident: String
    var reason: String
    /// The severity the chosen levels give, and its targets, once checked.
    var preview: String?
    var errors: [String: String]
  }

  struct QueuePage: Encodable {
    var layout: Layout
    var rows: [Row]
    var hasRows: Bool
    var errorList: [FormErrors.Item]
    var hasErrors: Bool
    /// "Showing 1 to 50 of 73", and the next and previous pages' links when there are some.
    var showing: String
    var nextPage: String?
    var previousPage: String?
  }

  struct DecisionForm: Content {
    var decision: String?
    var reason: String?
    var subject: String?
    var impact: String?
    var urgency: String?
    var incident: String?
    /// Set by the "Check the severity" button.
    var check: String?
  }

  /// The form as sent for one report, with its problems or its preview.
  struct Sent {
    var id: CaseID
    var form: DecisionForm
    var errors: [FieldError] = []
    var preview: String?
  }

  func queue(_ request: Request) async throws -> Response { try await render(request) }

  func render(_ request: Request, sent: Sent? = nil) async throws -> Response {
    let services = request.casework
    let now = services.clock.now()
    let offset = max(0, (try? request.query.get(Int.self, at: "offset")) ?? 0)
    let queue = try await services.cases.triageQueue(limit: Self.pageSize, offset: offset)
    var rows: [Row] = []
    for report in queue.reports {
      let record = report.record
      let answers = report.answers
      let minutes = max(0, Int(now.timeIntervalSince(record.receivedAt) / 60))
      let waited =
        minutes < 60 ? "\(minutes) min" : minutes < 2880 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes / 1440) days"
      let mine = sent?.id == record.id ? sent : nil
      rows.append(
        Row(
          id: record.id.lowercaseString, href: SiteRoute.staffCase.path(record.id),
          action: SiteRoute.triageDecision.path(record.id),
          reference: record.reference.description, subject: NHSNumber.mask(in: record.subject),
          channel: record.channel.displayName, waited: waited, reporter: record.requester.name,
          organisation: record.requester.organisation,
          text: NHSNumber.mask(in: String(report.text.prefix(4000))), answers: answers, hasAnswers: !answers.isEmpty,
          impactOptions: Self.options(IncidentImpact.allCases.map { ($0.rawValue, $0.description) }, chosen: mine?.form.impact),
          urgencyOptions: Self.options(
            IncidentUrgency.allCases.map { ($0.rawValue, $0.description) }, chosen: mine?.form.urgency),
          declareChosen: mine?.form.decision == "declare", linkChosen: mine?.form.decision == "link",
          notAnIncidentChosen: mine?.form.decision == "not_an_incident", title: mine?.form.subject ?? record.subject,
          incident: mine?.form.incident ?? "",
          reason: mine?.form.reason ?? "", preview: mine?.preview,
          errors: Dictionary((mine?.errors ?? []).map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first })))
    }
    let errors = (sent?.errors ?? []).map {
      FormErrors.Item(href: "#\($0.field)-\(sent?.id.lowercaseString ?? "")", message: $0.message)
    }
    let page = QueuePage(
      layout: Layout(request, title: "\(errors.isEmpty ? "" : "Error: ")Triage"), rows: rows, hasRows: !rows.isEmpty,
      errorList: errors, hasErrors: !errors.isEmpty,
      showing: rows.isEmpty ? "" : "Showing \(queue.offset + 1) to \(queue.offset + rows.count) of \(queue.total) waiting.",
      nextPage: queue.hasMore ? SiteRoute.triage.path(query: [("offset", String(queue.offset + queue.limit))]) : nil,
      previousPage: queue.offset > 0
        ? SiteRoute.triage.path(query: [("offset", String(max(0, queue.offset - queue.limit)))]) : nil)
    return try await Pages.render(request, "staff-triage", page, status: errors.isEmpty ? .ok : .unprocessableEntity)
  }

  static let pageSize = 50

  /// A "Choose…" first, so nothing is chosen until someone chooses.
  static func options(_ levels: [(Int, String)], chosen: String?) -> [Option] {
    [Option(value: "", label: "Choose…", selected: (chosen ?? "").isEmpty)]
      + levels.map { Option(value: String($0.0), label: "\($0.0): \($0.1)", selected: chosen == String($0.0)) }
  }

  func decide(_ request: Request) async throws -> Response {
    let id = try request.caseIDParameter()
    let form = try request.content.decode(DecisionForm.self)
    var sent = Sent(id: id, form: form)
    let impact = form.impact.flatMap { Int($0) }.flatMap(IncidentImpact.init(rawValue:))
    let urgency = form.urgency.flatMap { Int($0) }.flatMap(IncidentUrgency.init(rawValue:))
    let checking = form.check != nil
    if checking || form.decision == "declare" {
      if impact == nil {
        sent.errors.append(FieldError(field: "impact", message: "Choose the impact: how widely it affects people."))
      }
      if urgency == nil {
        sent.errors.append(FieldError(field: "urgency", message: "Choose the urgency: how soon it must be fixed."))
      }
    }
    if checking {
      if let impact, let urgency {
        let severity = SeverityMatrix.severity(impact: impact, urgency: urgency)
        let targets = request.casework.deadlineEngine.value.policy.incidentTargets(severity: severity)
        sent.preview = "Severity \(severity): \(targets)."
      }
      return try await render(request, sent: sent)
    }
    guard sent.errors.isEmpty else { return try await render(request, sent: sent) }
    do {
      let decision = try IncidentInput.decision(
        form.decision, reason: form.reason, subject: form.subject, impact: impact?.rawValue, urgency: urgency?.rawValue,
        incident: form.incident)
      if let incident = try await request.casework.cases.triage(id, decision, by: request.actor) {
        return request.redirect(to: .incident, incident.record.id)
      }
      return request.redirect(to: .triage)
    } catch CaseworkError.invalid(let errors) {
      sent.errors = errors.map { Self.peoplesWords($0) }
      return try await render(request, sent: sent)
    }
  }

  /// The API's messages name fields; the form's speak to the person.
  static func peoplesWords(_ error: FieldError) -> FieldError {
    switch error.field {
    case "decision": FieldError(field: "decision", message: "Choose a decision: declare, link or not an incident.")
    case "reason": FieldError(field: "reason", message: "Say why this is not an incident.")
    default: error
    }
  }
}
