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
  /// The timeline: internal notes for the working group, public ones for the status page.
  public var updates: [IncidentUpdate]
  /// When it was put on the public status page; nil while it is internal only.
  public var publishedAt: Date?
  public var review: PostIncidentReview?
  /// Set when patient care may be affected: a review is due from the clinical safety officer.
  public var clinicalReview: ClinicalReview?
  public var breach: BreachRecord?
  /// The working group: one incident lead, and engineers, clinical and security leads and
  /// communications as needed.
  public var members: [WorkingGroupMember]
  /// The status page's components this incident affects, and how, while it is published and
  /// not resolved (nil: as its severity says, `ServiceStatus.state(forSeverity:)`).
  public var affectedComponents: [UUID]
  public var componentState: ComponentState?

  enum CodingKeys: String, CodingKey {
    case caseID, impact, urgency, severity, severityOverride, declaredAt, patientSafety, personalDataBreach, resolutionSummary
    case updates, publishedAt, review, clinicalReview, breach, members, affectedComponents, componentState
  }

  /// Reads records written before the timeline existed too.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    caseID = try c.decode(CaseID.self, forKey: .caseID)
    impact = try c.decode(IncidentImpact.self, forKey: .impact)
    urgency = try c.decode(IncidentUrgency.self, forKey: .urgency)
    severity = try c.decode(Int.self, forKey: .severity)
    severityOverride = try c.decodeIfPresent(SeverityOverride.self, forKey: .severityOverride)
    declaredAt = try c.decode(Date.self, forKey: .declaredAt)
    patientSafety = try c.decode(Bool.self, forKey: .patientSafety)
    personalDataBreach = try c.decode(Bool.self, forKey: .personalDataBreach)
    resolutionSummary = try c.decodeIfPresent(String.self, forKey: .resolutionSummary)
    updates = try c.decodeIfPresent([IncidentUpdate].self, forKey: .updates) ?? []
    publishedAt = try c.decodeIfPresent(Date.self, forKey: .publishedAt)
    review = try c.decodeIfPresent(PostIncidentReview.self, forKey: .review)
    clinicalReview = try c.decodeIfPresent(ClinicalReview.self, forKey: .clinicalReview)
    breach = try c.decodeIfPresent(BreachRecord.self, forKey: .breach)
    members = try c.decodeIfPresent([WorkingGroupMember].self, forKey: .members) ?? []
    affectedComponents = try c.decodeIfPresent([UUID].self, forKey: .affectedComponents) ?? []
    componentState = try c.decodeIfPresent(ComponentState.self, forKey: .componentState)
  }

  public init(caseID: CaseID, impact: IncidentImpact, urgency: IncidentUrgency, declaredAt: Date) {
    self.updates = []
    self.members = []
    self.affectedComponents = []
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

/// One entry of an incident's timeline.
public struct IncidentUpdate: Sendable, Equatable, Codable, Identifiable {
  public var id: UUID
  public var at: Date
  public var text: String
  /// Shown on the public status page (once the incident is published).
  public var isPublic: Bool
  public var by: String

  public init(id: UUID = .timeOrdered(), at: Date, text: String, isPublic: Bool, by: String) {
    self.id = id
    self.at = at
    self.text = text
    self.isPublic = isPublic
    self.by = by
  }
}

/// A role in an incident's working group (domain §6).
public enum GroupRole: String, Sendable, Codable, CaseIterable {
  case incidentLead = "incident_lead"
  case engineer
  case clinicalLead = "clinical_lead"
  case securitySpecialist = "security_specialist"
  case communications

  public var displayName: String {
    switch self {
    case .incidentLead: "Incident lead"
    case .engineer: "Engineer"
    case .clinicalLead: "Clinical lead"
    case .securitySpecialist: "Security specialist"
    case .communications: "Communications"
    }
  }
}

public struct WorkingGroupMember: Sendable, Equatable, Codable {
  public var staffID: StaffID
  public var name: String
  public var role: GroupRole
  public var addedAt: Date

  public init(staffID: StaffID, name: String, role: GroupRole, addedAt: Date) {
    self.staffID = staffID
    self.name = name
    self.role = role
    self.addedAt = addedAt
  }
}
