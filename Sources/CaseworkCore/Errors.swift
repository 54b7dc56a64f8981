import Foundation

/// A problem with one input field, in words the person can act on.
public struct FieldError: Sendable, Equatable, Codable {
  public var field: String
  public var message: String

  public init(field: String, message: String) {
    self.field = field
    self.message = message
  }
}

public enum CaseworkError: Error, Sendable, Equatable {
  case invalid([FieldError])
  case caseNotFound
  case userNotFound
  case forbidden(String)
  case invalidTransition(from: CaseStatus, to: CaseStatus)
  case conflict(String)

  public var message: String {
    switch self {
    case .invalid(let errors): errors.map(\.message).joined(separator: " ")
    case .caseNotFound: "There is no case with that id or reference."
    case .userNotFound: "There is no staff user with that id or email."
    case .forbidden(let reason): reason
    case .invalidTransition(let from, let to):
      "A case that is \(from.displayName.lowercased()) cannot be moved to \(to.displayName.lowercased())."
    case .conflict(let reason): reason
    }
  }
}
