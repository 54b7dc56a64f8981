import Foundation

/// What an incident holds beyond its case (domain §6).
public struct Incident: Sendable, Equatable, Codable {
  public var caseID: CaseID
  public var impact: IncidentImpact
  public var urgency: IncidentUrgency
  /// The severity in force: the matrix's, or the incident manager's with a reason.
  public var severity: Int
  public var severityOverride: SeverityOverride?
  public var declaredAt: Date
  public var patientSafety: Bool
  public var personalDataBreach: Bool
  public var resolutionSummary: String?

  public init(caseID: CaseID, impact: IncidentImpact, urgency: IncidentUrgency, declaredAt: Date) {
    self.caseID = caseID
    self.impact = impact
    self.urgency = urgency
    self.severity = SeverityMatrix.severity(impact: impact, urgency: urgency)
    self.declaredAt = declaredAt
    self.patientSafety = false
    self.personalDataBreach = false
  }

  public var suggestedSeverity: Int { SeverityMatrix.severity(impact: impact, urgency: urgency) }
}

/// The incident manager's own severity, different from the matrix's, and why.
public struct SeverityOverride: Sendable, Equatable, Codable {
  public var severity: Int
  public var reason: String
  public var by: StaffID
  public var at: Date

  public init(severity: Int, reason: String, by: StaffID, at: Date) {
    self.severity = severity
    self.reason = reason
    self.by = by
    self.at = at
  }
}

/// What triage decided about a report.
public enum TriageDecision: Sendable, Equatable {
  /// Stays a support request, with the reason.
  case notAnIncident(reason: String)
  /// Opens an incident with its first assessment.
  case declare(subject: String, impact: IncidentImpact, urgency: IncidentUrgency)
  /// Joins an open incident.
  case linkTo(CaseReference)
}
