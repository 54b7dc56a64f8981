import CaseworkCore
import Foundation
import Vapor

/// User administration, for administrators only.
struct StaffUsersController {
  func boot(_ routes: any RoutesBuilder) {
    let admin = routes.grouped(StaffAuthentication(permission: .manageUsers))
    admin.get(.users, use: list)
    admin.post(.users, use: create)
    admin.post(.user, use: update)
    admin.post(.userTwoFactor, use: twoFactor)
  }

  func states(_ request: Request, _ users: [StaffUser]) async throws -> [StaffID: TwoFactorState] {
    var result: [StaffID: TwoFactorState] = [:]
    for user in users { result[user.id] = try await request.casework.twoFactor.state(of: user.id) }
    return result
  }

  func list(_ request: Request) async throws -> Response {
    let users = try await request.casework.staff.all()
    return try await Pages.render(
      request, "staff-users",
      UsersPage(
        PageContext(request), users: users, twoFactor: try await states(request, users),
        twoFactorForEveryone: request.casework.twoFactor.requiredForEveryone))
  }

  struct TwoFactorForm: Content {
    var action: String?
  }

  /// An administrator requires two-factor sign-in of a user, stops requiring it, or resets it
  /// for a user who has lost their phone and recovery codes (they set it up again).
  func twoFactor(_ request: Request) async throws -> Response {
    guard let id = request.parameters.get("id").flatMap(UUID.init(uuidString:)),
      try await request.casework.staff.find(id: id) != nil
    else { throw CaseworkError.userNotFound }
    let service = request.casework.twoFactor
    switch try request.content.decode(TwoFactorForm.self).action {
    case "require": try await service.store.setRequired(id, true)
    case "allow": try await service.store.setRequired(id, false)
    case "reset":
      try await service.reset(id)
      try await request.casework.sessions.deleteAll(of: id, keeping: nil)
    default: throw CaseworkError.invalid([FieldError(field: "action", message: "Choose require, allow or reset.")])
    }
    request.logger.notice("two-factor changed by an administrator", metadata: ["staff": .string(id.uuidString)])
    return request.redirect(to: .users)
  }

  struct CreateForm: Content {
    var name: String?
    var email: String?
    var role: String?
  }

  func create(_ request: Request) async throws -> Response {
    let form = try request.content.decode(CreateForm.self)
    do {
      let (user, oneTime) = try await request.casework.staffAccounts.create(
        email: form.email, name: form.name, role: form.role, password: nil)
      let users = try await request.casework.staff.all()
      let message =
        "\(user.name) can now sign in as \(user.email) with the one-time password \(oneTime ?? ""). Give it to them privately; it is shown only once."
      return try await Pages.render(
        request, "staff-users",
        UsersPage(
          PageContext(request), users: users, twoFactorForEveryone: request.casework.twoFactor.requiredForEveryone,
          created: message), status: .created)
    } catch CaseworkError.invalid(let errors) {
      let users = try await request.casework.staff.all()
      return try await Pages.render(
        request, "staff-users",
        UsersPage(
          PageContext(request), users: users, twoFactorForEveryone: request.casework.twoFactor.requiredForEveryone,
          form: .init(name: form.name ?? "", email: form.email ?? ""), errors: FormErrors(errors)),
        status: .unprocessableEntity)
    }
  }

  struct UpdateForm: Content {
    var role: String?
    var active: String?
  }

  func update(_ request: Request) async throws -> Response {
    let admin = try request.requireStaff()
    guard let text = request.parameters.get("id"), let id = UUID(uuidString: text),
      var user = try await request.casework.staff.find(id: id)
    else { throw CaseworkError.userNotFound }
    let form = try request.content.decode(UpdateForm.self)
    guard let role = form.role.flatMap(StaffRole.init(rawValue:)) else {
      throw CaseworkError.invalid([FieldError(field: "role", message: "Choose a role.")])
    }
    let active = form.active == "true"
    if user.id == admin.id, !active || role != .admin {
      throw CaseworkError.forbidden("You cannot remove your own administrator access. Ask another administrator.")
    }
    let privilegeChanged = user.role != role || user.active != active
    user.role = role
    user.active = active
    try await request.casework.staff.update(user)
    request.casework.tokenCache.removeAll()
    // A deactivated user, or one whose role changed, signs in again: their sessions end now,
    // and their open chat consoles close at their next check.
    if privilegeChanged { try await request.casework.sessions.deleteAll(of: user.id, keeping: nil) }
    return request.redirect(to: .users)
  }
}
