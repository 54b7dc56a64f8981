import CaseworkCore
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// How every public form that opens a case sends it (support, complaint, incident report):
/// post, then redirect to the confirmation (so a refresh sends nothing), a one-time form key
/// (so the same form sent twice finds the first case), and limits that count only accepted
/// submissions and keep what was typed when they refuse.
enum PublicSubmission {
  /// The hidden field with the form's one-time key.
  static let keyField = "form_key"

  /// The form's key when it looks like one we made (base64url of 32 bytes).
  static func key(_ text: String?) -> String? {
    guard let text, text.utf8.count == 43,
      text.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
    else { return nil }
    return text
  }

  /// Where the confirmation of a case opened from a form is shown.
  static func receivedPath(token: String) -> String { SiteRoute.received.path(token) }

  /// Keys being sent right now in this process: a double click waits for the first.
  static let sending = NIOLockedValueBox<Set<String>>([])
}

extension UInt8 {
  fileprivate var isASCIIAlphanumeric: Bool {
    (0x30...0x39).contains(self) || (0x41...0x5a).contains(self) || (0x61...0x7a).contains(self)
  }
}

extension Request {
  /// Opens the case a public form describes and redirects to its confirmation, or renders the
  /// form again through `rerender` with the problems (422) or the limit reached (429).
  func openPublicCase(
    _ input: NewCaseInput, formKey: String?, rerender: ([FieldError], HTTPStatus) async throws -> Response
  ) async throws -> Response {
    let services = casework
    let key = PublicSubmission.key(formKey)
    if let key { storage[FormKeyStorage.self] = key }
    if let key {
      // Wait while the same form is being sent (a double click), then find its case.
      var waited = 0
      while !PublicSubmission.sending.withLockedValue({ $0.insert(key).inserted }), waited < 200 {
        try await Task.sleep(for: .milliseconds(50))
        waited += 1
      }
    }
    defer { if let key { _ = PublicSubmission.sending.withLockedValue { $0.remove(key) } } }
    if let key, let existing = try await services.cases.caseForSubmissionKey(key) {
      return redirectToConfirmation(of: existing)
    }
    let now = services.clock.now()
    let email = InputRules.cleanLine(input.requesterEmail)?.lowercased()
    let addressWait = services.submissionLimiter.wait(clientAddress, now: now)
    let emailWait = email.flatMap { services.submissionsPerEmail.wait($0, now: now) }
    if let wait = [addressWait, emailWait].compactMap({ $0 }).max() {
      let until = DisplayDates.time(now.addingTimeInterval(TimeInterval(wait)))
      let message =
        emailWait != nil
        ? "We have received a lot of requests from this email address in the last hour. Nothing you typed has been lost: send it again after \(until)."
        : "We have received a lot of requests from your connection in the last hour. Nothing you typed has been lost: send it again after \(until)."
      let response = try await rerender(
        [FieldError(field: emailWait != nil ? "requester.email" : "submit", message: message)], .tooManyRequests)
      response.headers.replaceOrAdd(name: .retryAfter, value: String(wait))
      return response
    }
    do {
      let opened = try await services.cases.open(input, by: .requester, submissionKey: key)
      services.submissionLimiter.record(clientAddress, now: now)
      if let email { services.submissionsPerEmail.record(email, now: now) }
      return redirectToConfirmation(of: opened.record)
    } catch CaseworkError.invalid(let errors) {
      return try await rerender(errors, .unprocessableEntity)
    }
  }

  private func redirectToConfirmation(of record: Case) -> Response {
    let token = casework.cases.caseLinks?.token(for: record.id) ?? ""
    return redirect(to: PublicSubmission.receivedPath(token: token), redirectType: .normal)
  }
}
