import CaseworkCore
import Foundation
import Vapor

/// The incident page of the staff console (domain §6); triage is `StaffTriageController`.
struct StaffIncidentsController {
  func boot(_ routes: any RoutesBuilder) {
    let reading = routes.grouped(StaffAuthentication(permission: .readCases))
    reading.get(.incident, use: show)
    let working = routes.grouped(StaffAuthentication(permission: .workCases))
    working.post(.incidentAssessment, use: assess)
    working.post(.incidentUpdates, use: addUpdate)
    working.post(.incidentMembers, use: addMembers)
    working.post(.incidentPatientSafety, use: patientSafety)
    working.post(.incidentBreach, use: breach)
    let managing = routes.grouped(StaffAuthentication(permission: .manageIncidents))
    managing.post(.incidentResolve, use: resolve)
    managing.post(.incidentClose, use: close)
    managing.post(.incidentComponents, use: components)
    routes.grouped(StaffAuthentication(permission: .decideBreaches))
      .post(.incidentBreachDecision, use: breachDecision)
    routes.grouped(StaffAuthentication(permission: .reviewClinicalSafety))
      .post(.incidentClinicalReview, use: clinicalReview)
  }

  static let impactOptions = IncidentImpact.allCases.map {
    Option(value: String($0.rawValue), label: "\($0.rawValue): \($0.description)", selected: false)
  }
  static let urgencyOptions = IncidentUrgency.allCases.map {
    Option(value: String($0.rawValue), label: "\($0.rawValue): \($0.description)", selected: false)
  }

  struct IncidentPage: Encodable {
    struct Update: Encodable {
      var when: String
      var by: String
      var text: String
      var visibility: String
    }

    var layout: Layout
    var id: String
    var caseLink: String
    var paths: IncidentPaths
    var reference: String
    var subject: String
    var status: String
    var isOpen: Bool
    var severity: Int
    var suggested: Int
    var overrideReason: String?
    var impactOptions: [Option]
    var urgencyOptions: [Option]
    var deadlines: [DeadlineView]
    var hasDeadlines: Bool
    var reports: [LinkView]
    var reportCount: Int
    var updates: [Update]
    var hasUpdates: Bool
    var published: Bool
    var resolution: String?
    var flags: [String]
    var isResolved: Bool
    var patientSafety: Bool
    var needsClinicalReview: Bool
    var canReviewClinically: Bool
    var canManage: Bool
    var canDecideBreach: Bool
    var clinicalReview: String?
    var breachFlagged: Bool
    var breachOpen: Bool
    var breachDecision: String?
    var likelihoodOptions: [Option]
    var consequenceOptions: [Option]
    var members: [String]
    var hasMembers: Bool
    var peopleOptions: [Option]
    var roleOptions: [Option]
    /// The status page's components, ticked when this incident affects them, and how.
    var componentChoices: [Option]
    var componentStateOptions: [Option]
    var hasComponents: Bool
    var errors: [String: String]
    var errorList: [FormErrors.Item]
    var hasErrors: Bool
  }

  struct LinkView: Encodable {
    var href: String
    var reference: String
    var subject: String
  }

  func show(_ request: Request) async throws -> Response { try await render(request, id: try request.caseIDParameter()) }

  func render(_ request: Request, id: CaseID, errors: FormErrors = FormErrors(), status: HTTPStatus? = nil) async throws
    -> Response
  {
    let services = request.casework
    let current = try await services.cases.incident(id)
    let incident = current.incident
    let dates = DisplayDates()
    let now = services.clock.now()
    let reports = try await services.cases.links(of: id).filter { $0.relation == .reportOf }
    let deadlines = try await services.cases.deadlines(of: id).map {
      DeadlineView($0, text: services.deadlineText, now: now, dates: dates)
    }
    let staff = try await services.staff.all().filter(\.active)
    let components = try await services.status.components()
    var flags: [String] = []
    if incident.patientSafety { flags.append("Patient safety") }
    if incident.personalDataBreach { flags.append("Personal data breach") }
    let page = IncidentPage(
      layout: Layout(request, title: "\(errors.isEmpty ? "" : "Error: ")\(current.record.reference) \(current.record.subject)"),
      id: id.lowercaseString, caseLink: SiteRoute.staffCase.path(id), paths: IncidentPaths(id),
      reference: current.record.reference.description, subject: current.record.subject, status: current.record.status.displayName,
      isOpen: current.record.status.isActive, severity: incident.severity, suggested: incident.suggestedSeverity,
      overrideReason: incident.severityOverride?.reason,
      impactOptions: Self.impactOptions.map {
        var option = $0
        option.selected = option.value == String(incident.impact.rawValue)
        return option
      },
      urgencyOptions: Self.urgencyOptions.map {
        var option = $0
        option.selected = option.value == String(incident.urgency.rawValue)
        return option
      },
      deadlines: deadlines, hasDeadlines: !deadlines.isEmpty,
      reports: reports.map {
        LinkView(href: SiteRoute.staffCase.path($0.id), reference: $0.reference.description, subject: $0.subject)
      }, reportCount: reports.count,
      updates: incident.updates.reversed().map {
        IncidentPage.Update(when: dates.string($0.at), by: $0.by, text: $0.text, visibility: $0.isPublic ? "Public" : "Internal")
      }, hasUpdates: !incident.updates.isEmpty,
      published: incident.publishedAt != nil, resolution: incident.resolutionSummary, flags: flags,
      isResolved: current.record.status == .resolved, patientSafety: incident.patientSafety,
      needsClinicalReview: incident.patientSafety && incident.clinicalReview == nil,
      canReviewClinically: request.staffUser?.can(.reviewClinicalSafety) == true,
      canManage: request.staffUser?.can(.manageIncidents) == true,
      canDecideBreach: request.staffUser?.can(.decideBreaches) == true,
      clinicalReview: incident.clinicalReview.map {
        "\($0.hazard): \($0.likelihood.rawValue.replacingOccurrences(of: "_", with: " ")) likelihood, \($0.consequence.rawValue) consequence; hazard log \($0.hazardLogUpdated ? "updated" : "not updated")"
      },
      breachFlagged: incident.breach != nil, breachOpen: incident.breach != nil && incident.breach?.decision == nil,
      breachDecision: incident.breach?.decision.map {
        switch $0 {
        case .reported(let reference, let at): "Reported to the ICO (DSPT \(reference)) on \(dates.string(at))"
        case .notReportable(let reason): "Not reportable: \(reason)"
        }
      },
      likelihoodOptions: HazardLikelihood.allCases.map {
        Option(value: $0.rawValue, label: $0.rawValue.replacingOccurrences(of: "_", with: " ").capitalized, selected: false)
      },
      consequenceOptions: HazardConsequence.allCases.map {
        Option(value: $0.rawValue, label: $0.rawValue.capitalized, selected: false)
      },
      members: incident.members.map { "\($0.name), \($0.role.displayName.lowercased())" }, hasMembers: !incident.members.isEmpty,
      peopleOptions: staff.map {
        Option(value: $0.id.lowercaseString, label: "\($0.name) (\($0.role.displayName))", selected: false)
      }
        + StaffRole.allCases.map {
          Option(value: "role:\($0.rawValue)", label: "Everyone who is \($0.displayName.lowercased())", selected: false)
        },
      roleOptions: GroupRole.allCases.map { Option(value: $0.rawValue, label: $0.displayName, selected: false) },
      componentChoices: components.map {
        Option(value: $0.id.lowercaseString, label: $0.name, selected: incident.affectedComponents.contains($0.id))
      },
      componentStateOptions: [
        Option(
          value: "", label: "As the severity says (\(ServiceStatus.state(forSeverity: incident.severity).displayName))",
          selected: incident.componentState == nil)
      ]
        + ComponentState.allCases.filter { $0 != .operational }.map {
          Option(value: $0.rawValue, label: $0.displayName, selected: incident.componentState == $0)
        }, hasComponents: !components.isEmpty,
      errors: errors.byField,
      errorList: errors.list, hasErrors: !errors.isEmpty)
    return try await Pages.render(
      request, "staff-incident", page, status: status ?? (errors.isEmpty ? .ok : .unprocessableEntity))
  }

  /// Runs one change to the incident, then shows its page again (with the form's errors, if any).
  func act(_ request: Request, _ step: (CaseID) async throws -> Void) async throws -> Response {
    let id = try request.caseIDParameter()
    return try await request.act(on: id, done: SiteRoute.incident.path(id), step) { refusal in
      try await render(request, id: id, errors: refusal.errors, status: refusal.status)
    }
  }

  struct AssessmentForm: Content {
    var impact: Int?
    var urgency: Int?
    var severity: String?
    var reason: String?
  }

  func assess(_ request: Request) async throws -> Response {
    let form = try request.content.decode(AssessmentForm.self)
    let override = form.severity.flatMap { Int($0) }.map { ($0, form.reason ?? "") }
    try await IncidentInput.requireSeverityRight(request, id: try request.caseIDParameter(), override: override != nil)
    return try await act(request) { id in
      let (impact, urgency) = try IncidentInput.levels(impact: form.impact, urgency: form.urgency)
      try await request.casework.cases.assessIncident(
        id, impact: impact, urgency: urgency, override: override, by: request.actor, staffID: request.staffUser?.id)
    }
  }

  struct UpdateForm: Content {
    var text: String?
    var `public`: String?
    var publish: String?
  }

  func addUpdate(_ request: Request) async throws -> Response {
    let form = try request.content.decode(UpdateForm.self)
    let user = try request.requireStaff()
    // What reaches the public status page is the incident managers' call.
    if form.public == "yes" || form.publish == "yes" { try request.require(.manageIncidents) }
    return try await act(request) { id in
      try await request.casework.cases.addIncidentUpdate(
        id, text: form.text ?? "", isPublic: form.public == "yes", publish: form.publish == "yes", by: request.actor,
        name: user.name)
    }
  }
}
