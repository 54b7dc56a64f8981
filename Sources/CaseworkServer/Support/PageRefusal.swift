import CaseworkCore
import Vapor

/// How a staff page shows a change Core refused: the form's errors and the status to answer
/// with. The one mapping from Core's refusals to a page; anything else goes to the error page.
struct PageRefusal {
  var errors: FormErrors
  var status: HTTPStatus

  /// nil when `error` is not a refusal the person can act on. `inputIDs` maps Core's field names
  /// to the page's input ids.
  init?(_ error: any Error, inputIDs: [String: String] = [:]) {
    switch error {
    case CaseworkError.invalid(let fields):
      errors = FormErrors(fields, inputIDs: inputIDs)
      status = .unprocessableEntity
    case let error as CaseworkError:
      switch error {
      case .invalidTransition:
        errors = FormErrors([FieldError(field: "status", message: error.message)], inputIDs: inputIDs)
        status = .unprocessableEntity
      case .conflict(let reason):
        errors = FormErrors([FieldError(field: "stage", message: reason)], inputIDs: inputIDs)
        status = .conflict
      default:
        return nil
      }
    case let error as ComplaintTransitionError:
      errors = FormErrors([FieldError(field: "stage", message: error.message)], inputIDs: inputIDs)
      status = .conflict
    default:
      return nil
    }
  }
}

extension Request {
  /// Runs a page's change to case `id`, then redirects to `done`; a refusal shows the page
  /// again through `page`, with why and what to do.
  func act(
    on id: CaseID, done: String, inputIDs: [String: String] = [:], _ change: (CaseID) async throws -> Void,
    refused page: (PageRefusal) async throws -> Response
  ) async throws -> Response {
    do {
      try await change(id)
      return redirect(to: done, redirectType: .normal)
    } catch {
      guard let refusal = PageRefusal(error, inputIDs: inputIDs) else { throw error }
      return try await page(refusal)
    }
  }
}
