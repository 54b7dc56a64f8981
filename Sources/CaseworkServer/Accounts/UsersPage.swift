import CaseworkCore
import Foundation
import Vapor

struct UsersPage: Encodable {
  struct UserView: Encodable {
    var id: String
    var updateAction: String
    var twoFactorAction: String
    var name: String
    var email: String
    var roleName: String
    var active: Bool
    var roleOptions: [Option]
    /// "On", "Off", "Required, not set up yet"…
    var twoFactor: String
    var twoFactorRequired: Bool
    var twoFactorEnabled: Bool
  }

  struct Form: Encodable {
    var name = ""
    var email = ""
  }

  var layout: Layout
  var users: [UserView]
  var roleOptions: [Option]
  var created: String?
  var form: Form
  var errors: [String: String]
  var errorList: [FormErrors.Item]
  var hasErrors: Bool

  init(
    _ context: PageContext, users: [StaffUser], twoFactor: [StaffID: TwoFactorState] = [:],
    twoFactorForEveryone everyone: Bool, created: String? = nil, form: Form = Form(), errors: FormErrors = FormErrors()
  ) {
    layout = Layout(context, title: "Staff users")
    self.users = users.map { user in
      let state = twoFactor[user.id] ?? TwoFactorState(staffID: user.id)
      let required = everyone || state.required
      return UserView(
        id: user.id.lowercaseString, updateAction: SiteRoute.user.path(user.id),
        twoFactorAction: SiteRoute.userTwoFactor.path(user.id), name: user.name, email: user.email,
        roleName: user.role.displayName,
        active: user.active,
        roleOptions: StaffRole.allCases.map { Option(value: $0.rawValue, label: $0.displayName, selected: $0 == user.role) },
        twoFactor: state.isEnabled ? (required ? "On (required)" : "On") : (required ? "Required, not set up yet" : "Off"),
        twoFactorRequired: state.required, twoFactorEnabled: state.isEnabled)
    }
    roleOptions = StaffRole.allCases.map { Option(value: $0.rawValue, label: $0.displayName, selected: false) }
    self.created = created
    self.form = form
    self.errors = errors.byField
    errorList = errors.list
    hasErrors = !errors.isEmpty
  }
}
