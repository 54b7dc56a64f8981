import CaseworkCore
import Foundation
import Vapor

/// The intake switch for administrators (domain §8): stop and restart accepting new tickets,
/// with the public message, and every switch listed.
struct StaffIntakeController {
  func boot(_ routes: any RoutesBuilder) {
    let admin = routes.grouped(StaffAuthentication(permission: .switchIntake))
    admin.get(.intake, use: show)
    admin.post(.intake, use: change)
  }

  struct Page: Encodable {
    struct Event: Encodable {
      var when: String
      var what: String
      var by: String
      var message: String
    }

    var layout: Layout
    var isOpen: Bool
    var message: String
    var history: [Event]
    var errors: [String: String]
    var errorList: [FormErrors.Item]
    var hasErrors: Bool
  }

  func show(_ request: Request) async throws -> Response {
    try await render(request)
  }

  func render(_ request: Request, errors: FormErrors = FormErrors(), message: String? = nil) async throws -> Response {
    let intake = request.casework.intake
    let state = try await intake.current()
    let dates = DisplayDates()
    let history = try await intake.history(limit: 50).map {
      Page.Event(
        when: $0.changedAt.map(dates.string) ?? "", what: $0.isOpen ? "Started accepting" : "Stopped accepting",
        by: $0.changedBy ?? "", message: $0.isOpen ? "" : $0.message)
    }
    let page = Page(
      layout: Layout(request, title: "\(errors.isEmpty ? "" : "Error: ")New tickets"), isOpen: state.isOpen,
      message: message ?? state.message, history: history, errors: errors.byField, errorList: errors.list,
      hasErrors: !errors.isEmpty)
    return try await Pages.render(request, "staff-intake", page, status: errors.isEmpty ? .ok : .unprocessableEntity)
  }

  struct Form: Content {
    var action: String?
    var message: String?
  }

  func change(_ request: Request) async throws -> Response {
    let form = try request.content.decode(Form.self)
    let user = try request.requireStaff()
    let services = request.casework
    let message = InputRules.clean(form.message) ?? IntakeState.defaultMessage
    guard message.count <= 500 else {
      return try await render(
        request, errors: FormErrors([FieldError(field: "message", message: "The message must be 500 characters or fewer.")]),
        message: message)
    }
    switch form.action {
    case "stop":
      try await services.intake.set(
        IntakeState(isOpen: false, message: message, changedAt: services.clock.now(), changedBy: user.name))
    case "start":
      try await services.intake.set(
        IntakeState(isOpen: true, message: message, changedAt: services.clock.now(), changedBy: user.name))
      // What arrived meanwhile is processed now, not at the next sweep.
      try await services.mail.processDeferred()
    default:
      return try await render(
        request, errors: FormErrors([FieldError(field: "action", message: "Choose to stop or to start accepting.")]))
    }
    return request.redirect(to: .intake)
  }
}
