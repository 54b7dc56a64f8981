import CaseworkCore
import Foundation
import Vapor

/// Staff sign-in, sign-out and password change.
struct StaffAuthController {
  func boot(_ routes: any RoutesBuilder) {
    routes.get("staff", "login", use: loginForm)
    routes.post("staff", "login", use: login)
    routes.post("staff", "logout", use: logout)
    let changing = routes.grouped(StaffAuthentication(permission: .readCases, allowPasswordChange: true))
    changing.get("staff", "password", use: passwordForm)
    changing.post("staff", "password", use: changePassword)
  }

  struct LoginPage: Encodable {
    var layout: Layout
    var next: String
    var email: String
    var errors: [String: String] = [:]
    var errorList: [FormErrors.Item]
    var hasErrors: Bool
  }

  /// Only a path inside the staff console is a safe place to return to after sign-in.
  static func safeNext(_ next: String?) -> String {
    guard let next, next.hasPrefix("/staff/"), !next.hasPrefix("//"), !next.contains("\\") else { return "/staff/cases" }
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
    if let wait = services.loginLimiter.attempt(request.clientAddress, now: services.clock.now()) {
      throw RetryAfterError(
        status: .tooManyRequests, kind: "rate-limited", title: "Too many sign-in attempts",
        detail: "Wait a few minutes before you try again.", seconds: wait)
    }
    guard let email = form.email, let password = form.password, !email.isEmpty, !password.isEmpty,
      let user = try await services.staffAccounts.signIn(email: email, password: password)
    else {
      let errors = FormErrors([FieldError(field: "email", message: "The email address or password is not right.")])
      let page = LoginPage(
        layout: Layout(request, title: "Error: Staff sign in"), next: Self.safeNext(form.next), email: form.email ?? "",
        errors: errors.byField, errorList: errors.list, hasErrors: true)
      return try await Pages.render(request, "staff-login", page, status: .unauthorized)
    }
    StaffAuthentication.start(request, for: user)
    request.logger.info("staff signed in", metadata: ["staff": .string(user.id.uuidString)])
    return request.redirect(to: user.mustChangePassword ? "/staff/password" : Self.safeNext(form.next), redirectType: .normal)
  }

  func logout(_ request: Request) async throws -> Response {
    request.session.destroy()
    return request.redirect(to: "/staff/login", redirectType: .normal)
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
    var password: String?
    var confirm: String?
  }

  func changePassword(_ request: Request) async throws -> Response {
    let user = try request.requireStaff()
    let form = try request.content.decode(PasswordForm.self)
    var problems: [FieldError] = []
    let password = form.password ?? ""
    if let problem = StaffAccounts.passwordProblem(password) { problems.append(FieldError(field: "password", message: problem)) }
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
    try await request.casework.staffAccounts.changePassword(of: user, to: password)
    return request.redirect(to: "/staff/cases", redirectType: .normal)
  }
}
