import Foundation

/// The review after an incident (domain §6): closing needs one.
public struct PostIncidentReview: Sendable, Equatable, Codable {
  public var whatHappened: String
  public var cause: String
  public var contributingFactors: String?
  /// What will be done, each with an owner and a date (the same shape as a complaint's actions).
  public var actions: [ComplaintAction]

  public init(whatHappened: String, cause: String, contributingFactors: String? = nil, actions: [ComplaintAction]) {
    self.whatHappened = whatHappened
    self.cause = cause
    self.contributingFactors = contributingFactors
    self.actions = actions
  }

  public var problems: [FieldError] {
    var errors: [FieldError] = []
    if InputRules.clean(whatHappened) == nil {
      errors.append(FieldError(field: "review.whatHappened", message: "Say what happened."))
    }
    if InputRules.clean(cause) == nil { errors.append(FieldError(field: "review.cause", message: "Say what caused it.")) }
    if actions.isEmpty {
      errors.append(FieldError(field: "review.actions", message: "Add at least one action, with an owner and a date."))
    }
    for (index, action) in actions.enumerated() {
      if InputRules.clean(action.description) == nil || InputRules.clean(action.owner) == nil {
        errors.append(FieldError(field: "review.actions[\(index)]", message: "Each action needs a description and an owner."))
      }
    }
    return errors
  }
}

/// DCB0129 clinical risk: how likely the hazard is to cause harm, and how bad the harm.
public enum HazardLikelihood: String, Sendable, Codable, CaseIterable {
  case veryHigh = "very_high", high, medium, low, veryLow = "very_low"
}

public enum HazardConsequence: String, Sendable, Codable, CaseIterable {
  case catastrophic, major, considerable, significant, minor
}

/// The clinical safety officer's review of an incident that may affect patient care.
public struct ClinicalReview: Sendable, Equatable, Codable {
  public var hazard: String
  public var likelihood: HazardLikelihood
  public var consequence: HazardConsequence
  /// Whether the hazard log was updated (DCB0129 expects live incidents to feed it).
  public var hazardLogUpdated: Bool
  public var by: StaffID
  public var at: Date

  public init(
    hazard: String, likelihood: HazardLikelihood, consequence: HazardConsequence, hazardLogUpdated: Bool, by: StaffID, at: Date
  ) {
    self.hazard = hazard
    self.likelihood = likelihood
    self.consequence = consequence
    self.hazardLogUpdated = hazardLogUpdated
    self.by = by
    self.at = at
  }
}

/// A personal data breach: when we became aware (the 72-hour clock starts then) and the decision.
public struct BreachRecord: Sendable, Equatable, Codable {
  public enum Decision: Sendable, Equatable, Codable {
    /// Reported to the ICO through the Data Security and Protection Toolkit.
    case reported(reference: String, at: Date)
    case notReportable(reason: String)
  }

  public var awareAt: Date
  public var decision: Decision?
  public var decidedBy: StaffID?
  public var decidedAt: Date?

  public init(awareAt: Date) {
    self.awareAt = awareAt
  }
}
