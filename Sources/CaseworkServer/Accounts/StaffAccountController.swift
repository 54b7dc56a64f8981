import CaseworkCore
import Foundation
import Vapor

/// A member of staff's own account: who they are, their password, and two-factor sign-in
/// (set up with an authenticator app from a QR code drawn here, recovery codes shown once,
/// turned off with the password unless it is required).
struct StaffAccountController {
  func boot(_ routes: any RoutesBuilder) {
    let own = routes.grouped(StaffAuthentication(permission: .readCases, allowTwoFactorSetup: true))
    own.get(.account, use: account)
    own.post(.twoFactorStart, use: start)
    own.get(.twoFactor, use: enrolment)
    own.post(.twoFactorConfirm, use: confirm)
    own.post(.twoFactorDisable, use: disable)
  }

  struct AccountPage: Encodable {
    var layout: Layout
    var name: String
    var email: String
    var role: String
    var enabled: Bool
    var since: String?
    var recoveryLeft: Int
    var required: Bool
    var mustEnrol: Bool
    var errors: [String: String]
    var errorList: [FormErrors.Item]
    var hasErrors: Bool
  }

  func account(_ request: Request) async throws -> Response {
    try await renderAccount(request)
  }

  func renderAccount(_ request: Request, errors: FormErrors = FormErrors()) async throws -> Response {
    let user = try request.requireStaff()
    let service = request.casework.twoFactor
    let state = try await service.state(of: user.id)
    let page = AccountPage(
      layout: Layout(request, title: "\(errors.isEmpty ? "" : "Error: ")Your account"), name: user.name, email: user.email,
      role: user.role.displayName, enabled: state.isEnabled, since: state.confirmedAt.map { DisplayDates().string($0) },
      recoveryLeft: state.isEnabled ? try await service.store.unusedRecoveryCodes(of: user.id) : 0,
      required: service.requiredForEveryone || state.required, mustEnrol: service.mustEnrol(state), errors: errors.byField,
      errorList: errors.list, hasErrors: !errors.isEmpty)
    return try await Pages.render(request, "staff-account", page, status: errors.isEmpty ? .ok : .unprocessableEntity)
  }

  func start(_ request: Request) async throws -> Response {
    let user = try request.requireStaff()
    _ = try await request.casework.twoFactor.startEnrolment(for: user)
    return request.redirect(to: .twoFactor)
  }

  struct EnrolmentPage: Encodable {
    var layout: Layout
    var qr: String
    var link: String
    var key: String
    var errors: [String: String]
    var errorList: [FormErrors.Item]
    var hasErrors: Bool
  }

  func enrolment(_ request: Request) async throws -> Response {
    try await renderEnrolment(request)
  }

  func renderEnrolment(_ request: Request, errors: FormErrors = FormErrors()) async throws -> Response {
    let user = try request.requireStaff()
    let state = try await request.casework.twoFactor.state(of: user.id)
    guard let pending = state.pendingSecret, let secret = Base32.decode(pending) else {
      return request.redirect(to: .account)
    }
    let link = CaseworkCore.TOTP.provisioningURI(
      secret: secret, account: user.email, issuer: request.casework.config.complaints.organisation)
    // The key in groups of four, for typing into an app by hand.
    let key = stride(from: 0, to: pending.count, by: 4).map { start in
      let from = pending.index(pending.startIndex, offsetBy: start)
      return String(pending[from..<(pending.index(from, offsetBy: 4, limitedBy: pending.endIndex) ?? pending.endIndex)])
    }.joined(separator: " ")
    let page = EnrolmentPage(
      layout: Layout(request, title: "\(errors.isEmpty ? "" : "Error: ")Set up two-factor sign-in"),
      qr: try QRCode(text: link).svg(label: "QR code for your authenticator app"), link: link, key: key,
      errors: errors.byField, errorList: errors.list, hasErrors: !errors.isEmpty)
    return try await Pages.render(request, "staff-two-factor", page, status: errors.isEmpty ? .ok : .unprocessableEntity)
  }

  struct CodeForm: Content {
    var code: String?
  }

  struct RecoveryCodesPage: Encodable {
    var layout: Layout
    var codes: [String]
  }

  func confirm(_ request: Request) async throws -> Response {
    let user = try request.requireStaff()
    let form = try request.content.decode(CodeForm.self)
    do {
      let codes = try await request.casework.twoFactor.confirmEnrolment(for: user, code: form.code ?? "")
      // A change of privilege: this sign-in goes on under a new key.
      try await StaffAuthentication.renewSession(request)
      // Shown once, straight from this answer (never stored in clear, never cached).
      return try await Pages.render(
        request, "staff-recovery-codes",
        RecoveryCodesPage(layout: Layout(request, title: "Your recovery codes"), codes: codes))
    } catch CaseworkError.invalid(let errors) {
      return try await renderEnrolment(request, errors: FormErrors(errors))
    }
  }

  struct DisableForm: Content {
    var password: String?
  }

  func disable(_ request: Request) async throws -> Response {
    let user = try request.requireStaff()
    let form = try request.content.decode(DisableForm.self)
    let services = request.casework
    let state = try await services.twoFactor.state(of: user.id)
    if services.twoFactor.requiredForEveryone || state.required {
      return try await renderAccount(
        request,
        errors: FormErrors([
          FieldError(field: "password", message: "Two-factor sign-in is required for your account, so it cannot be turned off.")
        ]))
    }
    guard try await request.confirmsPassword(form.password, of: user) else {
      return try await renderAccount(
        request, errors: FormErrors([FieldError(field: "password", message: "Enter your current password.")]))
    }
    try await services.twoFactor.reset(user.id)
    try await services.sessions.deleteAll(of: user.id, keeping: nil)
    try await StaffAuthentication.renewSession(request)
    return request.redirect(to: .account)
  }
}
