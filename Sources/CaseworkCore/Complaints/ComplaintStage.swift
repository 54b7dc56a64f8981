import Foundation

/// Where a formal complaint is in its process (domain §5): received → acknowledged →
/// investigating → response sent → closed, and from closed: follow-up sent, reopened, or
/// referred to the Ombudsman. Moves are enforced; anything else is refused with the moves
/// that are allowed.
public enum ComplaintStage: String, Sendable, Codable, CaseIterable, Hashable {
  case received
  case acknowledged
  case investigating
  case responseSent = "response_sent"
  case closed
  case followUpSent = "follow_up_sent"
  case reopened
  case referredToOmbudsman = "referred_to_ombudsman"

  public var displayName: String {
    switch self {
    case .received: "Received"
    case .acknowledged: "Acknowledged"
    case .investigating: "Investigating"
    case .responseSent: "Response sent"
    case .closed: "Closed"
    case .followUpSent: "Follow-up sent"
    case .reopened: "Reopened"
    case .referredToOmbudsman: "Referred to the Ombudsman"
    }
  }

  /// Stages this one may move to, in the order they usually come.
  public var allowedNext: [ComplaintStage] {
    switch self {
    // Closing straight from received is for an out-of-time complaint, with its letter.
    case .received: [.acknowledged, .closed]
    case .acknowledged: [.investigating]
    case .investigating: [.responseSent]
    case .responseSent: [.closed, .reopened]
    case .closed: [.followUpSent, .reopened, .referredToOmbudsman]
    case .followUpSent: [.reopened, .referredToOmbudsman]
    case .reopened: [.investigating]
    case .referredToOmbudsman: [.reopened]
    }
  }

  public func canMove(to next: ComplaintStage) -> Bool { allowedNext.contains(next) }

  /// The case status that goes with the stage, so inbox filters keep working.
  public var caseStatus: CaseStatus {
    switch self {
    case .received: .new
    case .acknowledged, .investigating, .reopened: .open
    case .responseSent: .resolved
    case .closed, .followUpSent, .referredToOmbudsman: .closed
    }
  }

  /// The deadline event a move raises, if any.
  public var deadlineEvent: DeadlineEvent? {
    switch self {
    case .acknowledged: .acknowledgementSent
    case .responseSent: .responseSent
    case .closed: .closed
    case .followUpSent: .followUpSent
    case .reopened: .reopened
    default: nil
    }
  }
}

/// A complaint move that is not allowed from where it is: the API answers 409 with the moves
/// that are.
public struct ComplaintTransitionError: Error, Sendable, Equatable {
  public var from: ComplaintStage
  public var to: ComplaintStage

  public init(from: ComplaintStage, to: ComplaintStage) {
    self.from = from
    self.to = to
  }

  public var allowed: [ComplaintStage] { from.allowedNext }

  public var message: String {
    let options = allowed.map { $0.displayName.lowercased() }
    return "A complaint that is \(from.displayName.lowercased()) cannot move to \(to.displayName.lowercased()). "
      + (options.isEmpty ? "It cannot move on." : "It can move to: \(options.joined(separator: ", ")).")
  }
}

/// The six principles of good complaint handling the source policy follows; reports group
/// complaints by them (domain §5).
public enum ComplaintPrinciple: String, Sendable, Codable, CaseIterable, Hashable {
  case gettingItRight = "getting_it_right"
  case customerFocused = "customer_focused"
  case openAndAccountable = "open_and_accountable"
  case fairAndProportionate = "fair_and_proportionate"
  case puttingThingsRight = "putting_things_right"
  case continuousImprovement = "continuous_improvement"

  public var displayName: String {
    switch self {
    case .gettingItRight: "Getting it right"
    case .customerFocused: "Being customer focused"
    case .openAndAccountable: "Being open and accountable"
    case .fairAndProportionate: "Acting fairly and proportionately"
    case .puttingThingsRight: "Putting things right"
    case .continuousImprovement: "Seeking continuous improvement"
    }
  }
}
