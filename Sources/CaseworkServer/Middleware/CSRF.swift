import CaseworkCore
import Vapor

/// Double-submit CSRF protection for every HTML form: a random token lives in a strict,
/// HTTP-only cookie, every form carries it in a hidden `csrf_token` field, and a POST whose
/// field does not match the cookie is refused with a page that says what to do.
struct CSRFProtection: AsyncMiddleware {
  static let cookieName = "casework_csrf"
  static let fieldName = "csrf_token"
  let secureCookies: Bool

  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    let existing = request.cookies[Self.cookieName]?.string
    let token = existing.flatMap { $0.count >= 32 && $0.count <= 64 ? $0 : nil } ?? SecretGenerator.token()
    request.storage[CSRFTokenKey.self] = token

    if request.method == .POST {
      _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
      let submitted = try? request.content.get(String.self, at: Self.fieldName)
      guard let existing, let submitted, Self.constantTimeEqual(existing, submitted) else {
        request.logger.notice("csrf check failed")
        throw Abort(.forbidden, reason: "csrf")
      }
    }
    let response = try await next.respond(to: request)
    if existing != token {
      response.cookies[Self.cookieName] = HTTPCookies.Value(
        string: token, path: "/", isSecure: secureCookies, isHTTPOnly: true, sameSite: .strict)
    }
    return response
  }

  static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
  }
}

struct CSRFTokenKey: StorageKey {
  typealias Value = String
}

extension Request {
  /// The token to put in this page's forms.
  var csrfToken: String { storage[CSRFTokenKey.self] ?? "" }
}
