import CaseworkCore
import Vapor

struct StaffUserKey: StorageKey {
  typealias Value = StaffUser
}

struct APITokenKey: StorageKey {
  typealias Value = APIToken
}

/// Unread notifications of the signed-in member of staff, for the navigation.
struct UnreadNotificationsKey: StorageKey {
  typealias Value = Int
}

extension Request {
  /// The signed-in staff user (set by `StaffAuthentication`).
  var staffUser: StaffUser? { storage[StaffUserKey.self] }

  /// The signed-in staff user (or the API token's user), for decisions recorded by name.
  func requireStaffUser() throws -> StaffUser {
    guard let user = staffUser else { throw CaseworkError.forbidden("Sign in as a member of staff to do this.") }
    return user
  }

  func requireStaff() throws -> StaffUser {
    guard let user = staffUser else { throw Abort(.unauthorized) }
    return user
  }

  /// Refuses the request unless its user (session or API token) holds the permission: for a
  /// decision that a field of a form or body asks for, beyond what the route admits.
  func require(_ permission: Permission) throws {
    let user = try requireStaffUser()
    guard user.can(permission) else {
      throw CaseworkError.forbidden(
        "Your role (\(user.role.displayName)) does not allow this. Ask an administrator if you need it.")
    }
  }

  /// Whether `password` is the signed-in user's own, for a change that asks for it again
  /// (password change, turning two-factor off). Guessing here is throttled like signing in.
  func confirmsPassword(_ password: String?, of user: StaffUser) async throws -> Bool {
    let services = casework
    if let wait = services.signInFailures.begin(email: user.email, address: clientAddress, now: services.clock.now()) {
      throw RetryAfterError(
        status: .tooManyRequests, kind: "rate-limited", title: "Too many attempts",
        detail: "The password was wrong too many times. Try again in a few minutes.", seconds: wait)
    }
    guard try await services.staffAccounts.verifyPassword(of: user, password ?? "") else { return false }
    services.signInFailures.succeeded(email: user.email, address: clientAddress)
    return true
  }

  /// The audit-trail actor for this request.
  var actor: Actor {
    if let token = storage[APITokenKey.self] { return .apiToken(token.id) }
    if let user = staffUser { return .staff(user.id) }
    return .system
  }
}

/// Staff console pages: a signed-in, active user with the permission, or a redirect to sign in.
/// A user with a one-time password is sent to choose a new one first. How long a sign-in
/// lasts is the session driver's business (`StaffSessionDriver`, `SessionLimits`).
struct StaffAuthentication: AsyncMiddleware {
  static let sessionKey = "staff_id"
  /// Session keys of a sign-in that has passed the password but not yet the second factor.
  static let pendingKey = "pending_staff_id"
  static let pendingAtKey = "pending_at"
  static let pendingNextKey = "pending_next"
  let permission: Permission
  var allowPasswordChange = false
  /// The account pages, where a user who must set up two-factor sign-in does so.
  var allowTwoFactorSetup = false

  /// Signs the user in on a new session key: the key the browser brought (which someone else
  /// may have planted) is deleted, and the response carries a fresh one.
  static func start(_ request: Request, for user: StaffUser) async throws {
    try await renewSession(request)
    request.session.data = SessionData(initialData: [sessionKey: user.id.uuidString])
  }

  /// Retires this request's session key, keeping its data under a new key (sign-in, password
  /// change, any change of privilege).
  static func renewSession(_ request: Request) async throws {
    if request.hasSession, let old = request.session.id {
      try await request.casework.sessions.delete(keyHash: request.casework.hasher.digest(old.string))
    }
    request.session.id = nil
    request.storage[NewSessionKey.self] = SecretGenerator.token()
  }

  /// The digest under which this request's session is stored, if it has one.
  static func sessionKeyHash(_ request: Request) -> String? {
    guard request.hasSession, let id = request.session.id else { return nil }
    return request.casework.hasher.digest(id.string)
  }

  /// The active user this request's session signed in. A request without a session cookie
  /// gets no session made for it.
  static func signedInUser(_ request: Request) async throws -> StaffUser? {
    guard request.hasSession, let idText = request.session.data[sessionKey], let id = UUID(uuidString: idText),
      let user = try await request.casework.staff.find(id: id), user.active
    else { return nil }
    return user
  }

  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    guard let user = try await Self.signedInUser(request) else {
      if request.hasSession, request.session.data[Self.sessionKey] != nil { request.session.destroy() }
      let target =
        request.url.path.hasPrefix(SiteRoute.staffHome.path()) && request.method == .GET
        ? request.url.string : SiteRoute.inbox.path()
      return request.redirect(to: SiteRoute.login.path(query: [("next", target)]))
    }
    request.storage[StaffUserKey.self] = user
    if request.method == .GET {
      request.storage[UnreadNotificationsKey.self] = try await request.casework.notifications.unreadCount(for: user.id)
    }
    if user.mustChangePassword, !allowPasswordChange {
      return request.redirect(to: SiteRoute.password.path())
    }
    if !allowTwoFactorSetup, !allowPasswordChange {
      let twoFactor = request.casework.twoFactor
      if twoFactor.mustEnrol(try await twoFactor.state(of: user.id)) {
        return request.redirect(to: SiteRoute.account.path())
      }
    }
    guard user.can(permission) else {
      throw CaseworkError.forbidden(
        "Your role (\(user.role.displayName)) does not allow this. Ask an administrator if you need it.")
    }
    return try await next.respond(to: request)
  }
}

extension HTTPHeaders {
  /// The token of `Authorization: Bearer <token>` (the scheme in any case), or nil when there
  /// is none or it is longer than any token we issue. Read as bytes: Vapor's
  /// `bearerAuthorization` splits the header by characters, which was 1.5% of the CPU of an
  /// API request.
  var bearerToken: String? {
    guard let value = first(name: .authorization) else { return nil }
    let bytes = value.utf8
    guard let space = bytes.firstIndex(of: UInt8(ascii: " ")),
      bytes.distance(from: bytes.startIndex, to: space) == 6,
      zip(bytes[..<space], "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 })
    else { return nil }
    let token = bytes[bytes.index(after: space)...].drop { $0 == UInt8(ascii: " ") }
    guard !token.isEmpty, token.count <= 200 else { return nil }
    return String(Substring(token))
  }
}

/// API routes: `Authorization: Bearer <token>` for an unrevoked token of an active user with
/// the permission.
struct APIAuthentication: AsyncMiddleware {
  let permission: Permission

  /// The request's bearer token and its user, when both are valid (unrevoked, active).
  static func tokenUser(_ request: Request) async throws -> (APIToken, StaffUser)? {
    guard let bearer = request.headers.bearerToken else { return nil }
    return try await tokenUser(bearer, request: request)
  }

  /// The token and its user for `bearer`, when both are valid (unrevoked, active).
  private static func tokenUser(_ bearer: String, request: Request) async throws -> (APIToken, StaffUser)? {
    let services = request.casework
    let hash = services.hasher.digest(bearer)
    let now = services.clock.now()
    var found = services.tokenCache.get(hash, now: now)
    if found == nil, let fetched = try await services.tokens.find(tokenHash: hash) {
      services.tokenCache.put(hash, token: fetched.0, user: fetched.1, now: now)
      found = fetched
    }
    guard let (token, user) = found, token.revokedAt == nil, user.active else { return nil }
    return (token, user)
  }

  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    guard let bearer = request.headers.bearerToken else {
      return try unauthorized("Send an API token as Authorization: Bearer <token>.")
    }
    guard let (token, user) = try await Self.tokenUser(bearer, request: request) else {
      return try unauthorized("This API token is not valid or has been revoked.")
    }
    guard user.can(permission) else {
      throw CaseworkError.forbidden("This token's user (\(user.role.displayName)) is not allowed to do this.")
    }
    request.storage[StaffUserKey.self] = user
    request.storage[APITokenKey.self] = token
    return try await next.respond(to: request)
  }

  private func unauthorized(_ detail: String) throws -> Response {
    let response = try ErrorResponder.json(
      ProblemDetails(type: "/problems/unauthorized", title: "Unauthorized", status: 401, detail: detail))
    response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer realm=\"casework\"")
    return response
  }
}
