import Foundation

/// Staff roles. Every console and API route names the roles it admits.
public enum StaffRole: String, Sendable, Codable, CaseIterable, Hashable {
  case supportSpecialist = "support_specialist"
  case supportManager = "support_manager"
  case incidentManager = "incident_manager"
  case clinicalSafetyOfficer = "clinical_safety_officer"
  case admin

  public var displayName: String {
    switch self {
    case .supportSpecialist: "Support specialist"
    case .supportManager: "Support team manager"
    case .incidentManager: "Incident manager"
    case .clinicalSafetyOfficer: "Clinical safety officer"
    case .admin: "Administrator"
    }
  }
}

/// What a role may do. Kept in one place so routes and tests agree.
public enum Permission: Sendable, CaseIterable {
  case readCases
  case workCases
  case manageUsers
  case manageTokens
  /// Decisions the complaints policy gives to the support team manager: accepting or
  /// declining an out-of-time complaint, delaying an investigation.
  case decideComplaints
  /// Letter templates and other settings.
  case manageSettings
  /// The public status page's components and their states.
  case manageStatus
  /// The clinical risk assessment of an incident (DCB0129).
  case reviewClinicalSafety
  /// Incident decisions beyond day-to-day work: overriding severity, resolving, closing, and
  /// anything that reaches the public status page (publishing, public updates).
  case manageIncidents
  /// Whether a personal data breach is reported to the ICO.
  case decideBreaches
  /// Answering an escalation (domain §4: the support team manager responds); a reply by
  /// anyone else on an escalated case is welcome but leaves the escalation running.
  case answerEscalations
  /// Giving a deadline a new date by hand (with a reason; see `DeadlineExtensionRule`).
  case extendDeadlines
  /// Stopping and restarting new tickets (the intake switch), as an incident may need.
  case switchIntake

  public func isGranted(to role: StaffRole) -> Bool {
    switch self {
    case .readCases, .workCases: true
    case .decideComplaints: role == .supportManager || role == .admin
    case .manageStatus, .manageIncidents, .decideBreaches, .switchIntake: role == .incidentManager || role == .admin
    case .extendDeadlines, .answerEscalations: role == .supportManager || role == .admin
    case .reviewClinicalSafety: role == .clinicalSafetyOfficer || role == .admin
    case .manageUsers, .manageTokens, .manageSettings: role == .admin
    }
  }
}

public struct StaffUser: Sendable, Codable, Equatable, Identifiable {
  public var id: StaffID
  public var email: String
  public var name: String
  public var role: StaffRole
  public var passwordHash: String
  public var mustChangePassword: Bool
  public var active: Bool
  public var createdAt: Date

  public init(
    id: StaffID = UUID(), email: String, name: String, role: StaffRole, passwordHash: String,
    mustChangePassword: Bool = false, active: Bool = true, createdAt: Date
  ) {
    self.id = id
    self.email = email
    self.name = name
    self.role = role
    self.passwordHash = passwordHash
    self.mustChangePassword = mustChangePassword
    self.active = active
    self.createdAt = createdAt
  }

  public func can(_ permission: Permission) -> Bool { active && permission.isGranted(to: role) }
}

/// An API token's stored form: the secret itself is shown once and only its hash is kept.
public struct APIToken: Sendable, Codable, Equatable, Identifiable {
  public var id: UUID
  public var userID: StaffID
  public var name: String
  public var tokenHash: String
  public var createdAt: Date
  public var revokedAt: Date?
  public var lastUsedAt: Date?

  public init(
    id: UUID = UUID(), userID: StaffID, name: String, tokenHash: String, createdAt: Date, revokedAt: Date? = nil,
    lastUsedAt: Date? = nil
  ) {
    self.id = id
    self.userID = userID
    self.name = name
    self.tokenHash = tokenHash
    self.createdAt = createdAt
    self.revokedAt = revokedAt
    self.lastUsedAt = lastUsedAt
  }
}
