import CaseworkCore
import Foundation
import Vapor

/// Staff sign-in, sign-out and password change.
struct StaffAuthController {
  func boot(_ routes: any RoutesBuilder) {
    routes.get(.login, use: loginForm)
    routes.post(.login, use: login)
    routes.post(.logout, use: logout)
    routes.get(.loginCode, use: codeForm)
    routes.post(.loginCode, use: code)
    let changing = routes.grouped(StaffAuthentication(permission: .readCases, allowPasswordChange: true))
    changing.get(.password, use: passwordForm)
    changing.post(.password, use: changePassword)
  }

  struct LoginPage: Encodable {
    var layout: Layout
    var next: String
    var email: String
    var errors: [String: String] = [:]
    var errorList: [FormErrors.Item]
    var hasErrors: Bool
  }

  /// Only a path inside the staff console is a safe place to return to after sign-in: one
  /// leading slash, no backslash, and nothing but printable ASCII (a CR or LF would end the
  /// `Location` header and start another; a URL that needs more arrives percent-encoded).
  static func safeNext(_ next: String?) -> String {
    guard let next, next.hasPrefix(SiteRoute.staffHome.path() + "/"), !next.contains("//"), !next.contains("\\"),
      next.utf8.count <= 2000, next.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
    else { return SiteRoute.inbox.path() }
    // No `.` or `..` segment, written plainly or percent-encoded: the path stays in the console.
    let path = next.split(separator: "?", maxSplits: 1)[0].lowercased().replacingOccurrences(of: "%2e", with: ".")
    guard !path.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) else { return SiteRoute.inbox.path() }
    return next
  }

  func loginForm(_ request: Request) async throws -> Response {
    let page = LoginPage(
      layout: Layout(request, title: "Staff sign in"), next: Self.safeNext(try? request.query.get(String.self, at: "next")),
      email: "", errorList: [], hasErrors: false)
    return try await Pages.render(request, "staff-login", page)
  }

  struct LoginForm: Content {
    var email: String?
    var password: String?
    var next: String?
  }

  func login(_ request: Request) async throws -> Response {
    let form = try request.content.decode(LoginForm.self)
    let services = request.casework
    let now = services.clock.now()
    let email = form.email ?? ""
    func refuse(_ message: String, field: String = "email", status: HTTPStatus, retryAfter: Int? = nil) async throws -> Response {
      let errors = FormErrors([FieldError(field: field, message: message)])
      let page = LoginPage(
        layout: Layout(request, title: "Error: Staff sign in"), next: Self.safeNext(form.next), email: email,
        errors: errors.byField, errorList: errors.list, hasErrors: true)
      let response = try await Pages.render(request, "staff-login", page, status: status)
      if let retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
      return response
    }
    // A form sent without an email or password is a slip, not a guess: it counts for nothing.
    guard !email.trimmingCharacters(in: .whitespaces).isEmpty else {
      return try await refuse("Enter your email address.", status: .unauthorized)
    }
    guard let password = form.password, !password.isEmpty else {
      return try await refuse("Enter your password.", field: "password", status: .unauthorized)
    }
    // Checked before the password, so a locked account answers the same whether or not the
    // password was right: guessing goes no faster.
    if let wait = services.signInFailures.begin(email: email, address: request.clientAddress, now: now) {
      return try await refuse(
        "There have been too many failed attempts to sign in. Try again in \(WaitWords.minutes(wait)), or ask an administrator to reset your password.",
        status: .tooManyRequests, retryAfter: wait)
    }
    guard let user = try await services.staffAccounts.signIn(email: email, password: password) else {
      return try await refuse("The email address or password is not right.", status: .unauthorized)
    }
    services.signInFailures.succeeded(email: email, address: request.clientAddress)
    if try await services.twoFactor.state(of: user.id).isEnabled {
      // Half signed in: a new key that opens nothing but the code page, for five minutes.
      try await StaffAuthentication.renewSession(request)
      request.session.data = SessionData(initialData: [
        StaffAuthentication.pendingKey: user.id.uuidString,
        StaffAuthentication.pendingAtKey: String(Int(now.timeIntervalSince1970)),
        StaffAuthentication.pendingNextKey: Self.safeNext(form.next),
      ])
      return request.redirect(to: .loginCode)
    }
    try await StaffAuthentication.start(request, for: user)
    request.logger.info("staff signed in", metadata: ["staff": .string(user.id.uuidString)])
    return request.redirect(
      to: user.mustChangePassword ? SiteRoute.password.path() : Self.safeNext(form.next), redirectType: .normal)
  }

  struct CodePage: Encodable {
    var layout: Layout
    var errors: [String: String]
    var errorList: [FormErrors.Item]
    var hasErrors: Bool
  }

  /// The user whose password this session has just passed, within five minutes.
  func pendingUser(_ request: Request) async throws -> StaffUser? {
    guard request.hasSession, let idText = request.session.data[StaffAuthentication.pendingKey],
      let id = UUID(uuidString: idText), let at = request.session.data[StaffAuthentication.pendingAtKey].flatMap(Double.init),
      request.casework.clock.now().timeIntervalSince1970 - at < 300,
      let user = try await request.casework.staff.find(id: id), user.active
    else { return nil }
    return user
  }

  func codeForm(_ request: Request) async throws -> Response {
    guard try await pendingUser(request) != nil else { return request.redirect(to: SiteRoute.login.path()) }
    return try await Pages.render(
      request, "staff-login-code",
      CodePage(layout: Layout(request, title: "Enter your code"), errors: [:], errorList: [], hasErrors: false))
  }

  struct CodeForm: Content {
    var code: String?
  }

  func code(_ request: Request) async throws -> Response {
    guard let user = try await pendingUser(request) else { return request.redirect(to: .login) }
    let services = request.casework
    let typed = try request.content.decode(CodeForm.self).code ?? ""
    func refuse(_ message: String, status: HTTPStatus) async throws -> Response {
      let errors = FormErrors([FieldError(field: "code", message: message)])
      return try await Pages.render(
        request, "staff-login-code",
        CodePage(
          layout: Layout(request, title: "Error: Enter your code"), errors: errors.byField, errorList: errors.list,
          hasErrors: true), status: status)
    }
    guard !typed.trimmingCharacters(in: .whitespaces).isEmpty else {
      return try await refuse("Enter the 6-digit code from your authenticator app, or a recovery code.", status: .unauthorized)
    }
    if let wait = services.signInFailures.begin(email: user.email, address: request.clientAddress, now: services.clock.now()) {
      return try await refuse(
        "There have been too many wrong codes. Try again in \(WaitWords.minutes(wait)).",
        status: .tooManyRequests)
    }
    let verification = try await services.twoFactor.verify(user, code: typed)
    guard verification != .refused else {
      return try await refuse(
        "That code is not right, or has been used already. Enter the code your app shows now, or an unused recovery code.",
        status: .unauthorized)
    }
    services.signInFailures.succeeded(email: user.email, address: request.clientAddress)
    let next = request.session.data[StaffAuthentication.pendingNextKey] ?? SiteRoute.inbox.path()
    try await StaffAuthentication.start(request, for: user)
    request.logger.info("staff signed in with a second factor", metadata: ["staff": .string(user.id.uuidString)])
    if case .recoveryCode = verification {
      // Recovery codes run out: the account page says how many are left and how to renew them.
      return request.redirect(to: .account)
    }
    return request.redirect(to: user.mustChangePassword ? SiteRoute.password.path() : Self.safeNext(next), redirectType: .normal)
  }

  func logout(_ request: Request) async throws -> Response {
    request.session.destroy()
    return request.redirect(to: .login)
  }

  struct PasswordPage: Encodable {
    var layout: Layout
    var mustChange: Bool
    var errors: [String: String]
    var errorList: [FormErrors.Item]
    var hasErrors: Bool
  }

  func passwordForm(_ request: Request) async throws -> Response {
    let user = try request.requireStaff()
    return try await Pages.render(
      request, "staff-password",
      PasswordPage(
        layout: Layout(request, title: "Choose a new password"), mustChange: user.mustChangePassword, errors: [:], errorList: [],
        hasErrors: false))
  }

  struct PasswordForm: Content {
    var current: String?
    var password: String?
    var confirm: String?
  }

  func changePassword(_ request: Request) async throws -> Response {
    let user = try request.requireStaff()
    let form = try request.content.decode(PasswordForm.self)
    var problems: [FieldError] = []
    let password = form.password ?? ""
    let accounts = request.casework.staffAccounts
    if !(try await request.confirmsPassword(form.current, of: user)) {
      problems.append(
        FieldError(
          field: "current",
          message: user.mustChangePassword
            ? "Enter the one-time password you signed in with." : "Enter your current password."))
    }
    if let problem = StaffAccounts.passwordProblem(password, name: user.name, email: user.email) {
      problems.append(FieldError(field: "password", message: problem))
    }
    if password != (form.confirm ?? "") {
      problems.append(FieldError(field: "confirm", message: "The two passwords do not match."))
    }
    guard problems.isEmpty else {
      let errors = FormErrors(problems)
      return try await Pages.render(
        request, "staff-password",
        PasswordPage(
          layout: Layout(request, title: "Error: Choose a new password"), mustChange: user.mustChangePassword,
          errors: errors.byField, errorList: errors.list, hasErrors: true),
        status: .unprocessableEntity)
    }
    try await accounts.changePassword(of: user, to: password)
    // Every other sign-in of this user ends, and this one goes on under a new key.
    try await request.casework.sessions.deleteAll(of: user.id, keeping: nil)
    try await StaffAuthentication.renewSession(request)
    return request.redirect(to: .inbox)
  }
}
