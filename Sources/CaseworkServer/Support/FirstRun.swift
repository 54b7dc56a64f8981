import CaseworkCore
import Vapor

/// The first start on an empty database creates an administrator with a one-time password and
/// says, once, how to sign in. The password is never stored or logged in clear.
enum FirstRun {
  static func ensureAdministrator(_ app: Application) async throws -> String? {
    let services = app.casework
    guard try await services.staff.count() == 0 else { return nil }
    let (user, password) = try await services.staffAccounts.create(
      email: services.config.adminEmail, name: "Administrator", role: StaffRole.admin.rawValue, password: nil)
    return """

      Casework created the first administrator.
        Sign in at:          \(services.config.publicURL)/staff/login
        Email:               \(user.email)
        One-time password:   \(password ?? "")
      You will choose your own password when you first sign in. This is shown only once.

      """
  }
}
