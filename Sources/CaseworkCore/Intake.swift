import Foundation

/// Whether new tickets are accepted (domain §8). An administrator stops intake while the
/// service is in trouble; replies to existing cases are still accepted, and email that
/// arrives meanwhile is kept and processed when intake reopens.
public struct IntakeState: Sendable, Equatable, Codable {
  public static let defaultMessage =
    "We are not able to accept new tickets at the moment, please try again in a few minutes."

  public var isOpen: Bool
  /// What the public is shown while intake is stopped.
  public var message: String
  public var changedAt: Date?
  public var changedBy: String?

  public init(isOpen: Bool = true, message: String = IntakeState.defaultMessage, changedAt: Date? = nil, changedBy: String? = nil)
  {
    self.isOpen = isOpen
    self.message = message
    self.changedAt = changedAt
    self.changedBy = changedBy
  }

  public static let open = IntakeState()
}

/// Where the intake switch is kept, shared by every process, with its history.
public protocol IntakeSwitch: Sendable {
  func current() async throws -> IntakeState
  /// Changes the state and records who did it, when, and the message.
  func set(_ state: IntakeState) async throws
  func history(limit: Int) async throws -> [IntakeState]
}

/// A refusal because intake is stopped: the API answers 503 with `Retry-After`.
public struct IntakeClosedError: Error, Sendable, Equatable {
  public var message: String
  public var retryAfterSeconds: Int

  public init(message: String, retryAfterSeconds: Int = 300) {
    self.message = message
    self.retryAfterSeconds = retryAfterSeconds
  }
}
