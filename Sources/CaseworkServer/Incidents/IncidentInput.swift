import CaseworkCore
import Vapor

/// Incident input shared by the console's pages and the API: levels, triage decisions, the
/// right to set a severity, and the reports linked to an incident.
enum IncidentInput {
  static func levels(impact: Int?, urgency: Int?) throws -> (IncidentImpact, IncidentUrgency) {
    var errors: [FieldError] = []
    let impactLevel = impact.flatMap(IncidentImpact.init(rawValue:))
    let urgencyLevel = urgency.flatMap(IncidentUrgency.init(rawValue:))
    if impactLevel == nil { errors.append(FieldError(field: "impact", message: "impact must be a level from 1 to 5.")) }
    if urgencyLevel == nil { errors.append(FieldError(field: "urgency", message: "urgency must be a level from 1 to 5.")) }
    guard let impactLevel, let urgencyLevel else { throw CaseworkError.invalid(errors) }
    return (impactLevel, urgencyLevel)
  }

  /// A triage decision from a form or JSON body, each missing part named.
  static func decision(
    _ kind: String?, reason: String?, subject: String?, impact: Int?, urgency: Int?, incident: String?
  ) throws -> TriageDecision {
    // Levels given with another decision are still checked: a wrong value is never ignored.
    if kind != "declare", impact != nil || urgency != nil {
      var errors: [FieldError] = []
      if let impact, IncidentImpact(rawValue: impact) == nil {
        errors.append(FieldError(field: "impact", message: "impact must be a level from 1 to 5."))
      }
      if let urgency, IncidentUrgency(rawValue: urgency) == nil {
        errors.append(FieldError(field: "urgency", message: "urgency must be a level from 1 to 5."))
      }
      if !errors.isEmpty { throw CaseworkError.invalid(errors) }
    }
    switch kind {
    case "not_an_incident": return .notAnIncident(reason: reason ?? "")
    case "declare":
      let (impact, urgency) = try levels(impact: impact, urgency: urgency)
      guard let subject = InputRules.cleanLine(subject) else {
        throw CaseworkError.invalid([FieldError(field: "subject", message: "Give the incident a short title.")])
      }
      return .declare(subject: String(subject.prefix(InputRules.maxSubject)), impact: impact, urgency: urgency)
    case "link":
      guard let reference = incident.flatMap(CaseReference.init) else {
        throw CaseworkError.invalid([
          FieldError(field: "incident", message: "Enter the reference of an open incident, like INC-2026-000007.")
        ])
      }
      return .linkTo(reference)
    default:
      throw CaseworkError.invalid([
        FieldError(field: "decision", message: "Choose a decision: not_an_incident, declare or link.")
      ])
    }
  }

  static func reports(of id: CaseID, _ request: Request) async throws -> [String] {
    try await request.casework.cases.links(of: id).filter { $0.relation == .reportOf }.map(\.reference.description)
  }

  /// Setting a severity by hand is an incident manager's call, and so is undoing one: a
  /// reassessment without an override would clear a manager's.
  static func requireSeverityRight(_ request: Request, id: CaseID, override: Bool) async throws {
    let current = try await request.casework.cases.incident(of: id)
    if override || current?.severityOverride != nil { try request.require(.manageIncidents) }
  }
}
