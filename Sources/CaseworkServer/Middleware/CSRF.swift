import CaseworkCore
import Crypto
import Vapor

/// CSRF protection for every HTML form. Public forms use a double-submit token: a random value
/// in a strict, HTTP-only cookie that every form repeats in a hidden `csrf_token` field. Forms
/// of a signed-in staff session carry a token bound to that session (an HMAC keyed by the
/// session's key), so a cookie planted by someone else opens nothing. A POST whose token does
/// not match is refused with a page that says what to do.
struct CSRFProtection: AsyncMiddleware {
  static let cookieName = "casework_csrf"
  static let fieldName = "csrf_token"
  let secureCookies: Bool
  /// Staff pages: signed-in sessions use the session-bound token.
  var bindToSession = false

  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    let existing = request.cookies[Self.cookieName]?.string
    let cookieToken = existing.flatMap { $0.count >= 32 && $0.count <= 64 ? $0 : nil } ?? SecretGenerator.token()
    let bound = bindToSession ? Self.sessionToken(request) : nil
    request.storage[CSRFTokenKey.self] = cookieToken
    request.storage[CSRFBindsKey.self] = bindToSession

    if request.method == .POST {
      // Browsers say where a request comes from; a form posted from another site is refused
      // whatever token it carries (login CSRF with a planted cookie included).
      if request.headers.first(name: "Sec-Fetch-Site")?.lowercased() == "cross-site" {
        request.logger.notice("cross-site form post refused")
        throw Abort(.forbidden, reason: "csrf")
      }
      _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
      let submitted = try? request.content.get(String.self, at: Self.fieldName)
      var accepted = false
      if let submitted {
        if let bound {
          accepted = ConstantTime.equal(bound, submitted)
          // The sign-in form may have been opened before this browser signed in elsewhere.
          if !accepted, request.url.path == SiteRoute.login.path(), let existing {
            accepted = ConstantTime.equal(existing, submitted)
          }
        } else if let existing {
          accepted = ConstantTime.equal(existing, submitted)
        }
      }
      guard accepted else {
        request.logger.notice("csrf check failed")
        throw Abort(.forbidden, reason: "csrf")
      }
    }
    let response = try await next.respond(to: request)
    if existing != cookieToken {
      response.cookies[Self.cookieName] = HTTPCookies.Value(
        string: cookieToken, path: "/", isSecure: secureCookies, isHTTPOnly: true, sameSite: .strict)
    }
    return response
  }

  /// The token for a signed-in session: HMAC-SHA256 of a fixed label, keyed by the session's
  /// key, which only that browser holds (the database keeps its digest). A key renewed during
  /// this request (`NewSessionKey`) is the one the page's forms will be posted with.
  static func sessionToken(_ request: Request) -> String? {
    guard request.hasSession, request.session.data[StaffAuthentication.sessionKey] != nil,
      let key = request.storage[NewSessionKey.self] ?? request.session.id?.string
    else { return nil }
    let mac = HMAC<SHA256>.authenticationCode(for: Data("casework-csrf".utf8), using: SymmetricKey(data: Data(key.utf8)))
    return Base64URL.encode(Array(mac))
  }
}

/// The double-submit cookie's token for this request.
struct CSRFTokenKey: StorageKey {
  typealias Value = String
}

/// Whether this request's forms are bound to a signed-in session (staff pages).
struct CSRFBindsKey: StorageKey {
  typealias Value = Bool
}

extension Request {
  /// The token to put in this page's forms: worked out when the page is drawn, so a session
  /// key renewed earlier in the request (sign-in, two-factor set-up) is the one it is bound to.
  var csrfToken: String {
    if storage[CSRFBindsKey.self] == true, let bound = CSRFProtection.sessionToken(self) { return bound }
    return storage[CSRFTokenKey.self] ?? ""
  }
}
