import CaseworkCore
import Foundation
import Vapor

/// The incident page's later steps (domain §6): resolving and closing with the review, the
/// working group, patient safety and its clinical review, a personal data breach and the ICO
/// decision.
extension StaffIncidentsController {
  struct ResolveForm: Content {
    var summary: String?
  }

  func resolve(_ request: Request) async throws -> Response {
    let form = try request.content.decode(ResolveForm.self)
    return try await act(request) { id in
      try await request.casework.cases.resolveIncident(id, summary: form.summary ?? "", by: request.actor)
    }
  }

  struct MembersForm: Content {
    var person: String?
    var role: String?
  }

  func addMembers(_ request: Request) async throws -> Response {
    let form = try request.content.decode(MembersForm.self)
    return try await act(request) { id in
      let person = form.person ?? ""
      let people = try await IncidentLifecycleAPI.people(
        staff: person.hasPrefix("role:") ? nil : person, staffRole: person.hasPrefix("role:") ? String(person.dropFirst(5)) : nil,
        request)
      guard let role = form.role.flatMap(GroupRole.init(rawValue:)) else {
        throw CaseworkError.invalid([FieldError(field: "role", message: "Choose the role in the working group.")])
      }
      let link = "\(request.casework.config.publicURL)/staff/cases/\(id.lowercaseString)/incident"
      try await request.casework.cases.addToWorkingGroup(id, people: people, role: role, link: link, by: request.actor)
    }
  }

  struct CloseForm: Content {
    var what_happened: String?
    var cause: String?
    var contributing_factors: String?
    var action_description: String?
    var action_owner: String?
    var action_due: String?
  }

  func close(_ request: Request) async throws -> Response {
    let form = try request.content.decode(CloseForm.self)
    return try await act(request) { id in
      var errors: [FieldError] = []
      var actions: [ComplaintAction] = []
      let due = request.dateFields("action_due").date(field: "actionDue", label: "the action is due", errors: &errors)
      if let description = InputRules.clean(form.action_description), let owner = InputRules.clean(form.action_owner), let due {
        actions.append(ComplaintAction(description: description, owner: owner, due: due))
      }
      if !errors.isEmpty { throw CaseworkError.invalid(errors) }
      let review = PostIncidentReview(
        whatHappened: form.what_happened ?? "", cause: form.cause ?? "",
        contributingFactors: InputRules.clean(form.contributing_factors),
        actions: actions)
      try await request.casework.cases.closeIncident(id, review: review, by: request.actor)
    }
  }

  func patientSafety(_ request: Request) async throws -> Response {
    try await act(request) { id in
      try await request.casework.cases.flagPatientSafety(id, by: request.actor)
    }
  }

  struct ClinicalForm: Content {
    var hazard: String?
    var likelihood: String?
    var consequence: String?
    var hazard_log_updated: String?
  }

  func clinicalReview(_ request: Request) async throws -> Response {
    let form = try request.content.decode(ClinicalForm.self)
    let user = try request.requireStaff()
    return try await act(request) { id in
      guard let likelihood = form.likelihood.flatMap(HazardLikelihood.init(rawValue:)),
        let consequence = form.consequence.flatMap(HazardConsequence.init(rawValue:))
      else {
        throw CaseworkError.invalid([FieldError(field: "likelihood", message: "Choose the likelihood and the consequence.")])
      }
      try await request.casework.cases.recordClinicalReview(
        id, hazard: form.hazard ?? "", likelihood: likelihood, consequence: consequence,
        hazardLogUpdated: form.hazard_log_updated == "yes", by: request.actor, staffID: user.id)
    }
  }

  struct BreachForm: Content {
    var aware_date: String?
    var aware_time: String?
  }

  func breach(_ request: Request) async throws -> Response {
    let form = try request.content.decode(BreachForm.self)
    return try await act(request) { id in
      var errors: [FieldError] = []
      guard let day = request.dateFields("aware_date").date(field: "awareAt", label: "we became aware", errors: &errors) else {
        throw CaseworkError.invalid(
          errors.isEmpty ? [FieldError(field: "awareAt", message: "Enter when we became aware.")] : errors)
      }
      let parts = (form.aware_time ?? "").split(separator: ":").compactMap { Int($0) }
      let at = day.instant(hour: parts.first ?? 0, minute: parts.count > 1 ? parts[1] : 0)
      try await request.casework.cases.flagBreach(id, awareAt: at, by: request.actor)
    }
  }

  struct DecisionFormBreach: Content {
    var decision: String?
    var reference: String?
    var reason: String?
  }

  func breachDecision(_ request: Request) async throws -> Response {
    let form = try request.content.decode(DecisionFormBreach.self)
    let user = try request.requireStaff()
    return try await act(request) { id in
      let decision: BreachRecord.Decision
      switch form.decision {
      case "reported": decision = .reported(reference: form.reference ?? "", at: request.casework.clock.now())
      case "not_reportable": decision = .notReportable(reason: form.reason ?? "")
      default: throw CaseworkError.invalid([FieldError(field: "decision", message: "Choose reported or not reportable.")])
      }
      try await request.casework.cases.decideBreach(id, decision, by: request.actor, staffID: user.id)
    }
  }
}

extension StaffIncidentsController {
  struct ComponentsForm: Content {
    var component: [String]?
    var state: String?
  }

  /// Which parts of the service the incident affects on the status page, and how.
  func components(_ request: Request) async throws -> Response {
    try await act(request) { id in
      let form = try request.content.decode(ComponentsForm.self)
      let known = Set(try await request.casework.status.components().map(\.id))
      let chosen = (form.component ?? []).compactMap(UUID.init(uuidString:)).filter(known.contains)
      let state = form.state.flatMap { $0.isEmpty ? nil : ComponentState(rawValue: $0) }
      try await request.casework.cases.setAffectedComponents(id, chosen, state: state, by: request.actor)
    }
  }
}
