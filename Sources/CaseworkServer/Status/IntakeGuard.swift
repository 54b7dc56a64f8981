import CaseworkCore
import Vapor

extension Request {
  /// Refuses a new ticket while intake is stopped (domain §8): a 503 with `Retry-After` and
  /// the administrator's message, as a problem document under `/api/` and a page elsewhere.
  func requireIntakeOpen() async throws {
    let state = try await casework.intake.current()
    guard state.isOpen else {
      throw RetryAfterError(
        status: .serviceUnavailable, kind: "intake-stopped", title: "Not accepting new tickets", detail: state.message,
        seconds: 300)
    }
  }

  /// The message to show instead of a form while intake is stopped; nil while it is open.
  func intakeStoppedMessage() async throws -> String? {
    let state = try await casework.intake.current()
    return state.isOpen ? nil : state.message
  }
}
