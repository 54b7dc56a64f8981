import Foundation

/// A message to one member of staff in the console, such as a deadline about to be missed.
public struct StaffNotification: Sendable, Equatable, Identifiable {
  public enum Kind: String, Sendable, Codable {
    case deadlineWarning = "deadline_warning"
    case deadlineBreach = "deadline_breach"
    /// A clinical safety review is asked for (domain §6).
    case clinicalReview = "clinical_review"
    /// Added to an incident's working group, or news of an incident one works on.
    case incident
    /// A requester asked for escalation: the support team managers answer (domain §4).
    case escalation
    /// Screening found an emergency in what a requester wrote.
    case emergency

    /// What the console calls it.
    public var displayName: String {
      switch self {
      case .deadlineWarning: "Deadline close"
      case .deadlineBreach: "Deadline missed"
      case .clinicalReview: "Clinical safety review"
      case .incident: "Incident"
      case .escalation: "Escalation"
      case .emergency: "Emergency"
      }
    }
  }

  public var id: UUID
  public var recipientID: StaffID
  public var caseID: CaseID?
  public var kind: Kind
  public var message: String
  public var createdAt: Date
  public var readAt: Date?

  public init(
    id: UUID = .timeOrdered(), recipientID: StaffID, caseID: CaseID?, kind: Kind, message: String, createdAt: Date,
    readAt: Date? = nil
  ) {
    self.id = id
    self.recipientID = recipientID
    self.caseID = caseID
    self.kind = kind
    self.message = message
    self.createdAt = createdAt
    self.readAt = readAt
  }
}
