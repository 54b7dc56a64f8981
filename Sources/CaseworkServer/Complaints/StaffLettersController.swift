import CaseworkCore
import Foundation
import Vapor

/// Letter templates for administrators: each kind with the variables it may use, edited,
/// previewed on a real complaint, and refused when it would not render.
struct StaffLettersController {
  func boot(_ routes: any RoutesBuilder) {
    let admin = routes.grouped(StaffAuthentication(permission: .manageSettings))
    admin.get(.letters, use: list)
    admin.get(.letterTemplate, use: edit)
    admin.post(.letterTemplate, use: submit)
  }

  struct ListPage: Encodable {
    struct Row: Encodable {
      var kind: String
      var href: String
      var name: String
      var state: String
    }

    var layout: Layout
    var rows: [Row]
  }

  func list(_ request: Request) async throws -> Response {
    var rows: [ListPage.Row] = []
    for kind in LetterKind.allCases {
      let edited = try await request.casework.settings.storedTemplate(kind) != nil
      rows.append(
        .init(
          kind: kind.rawValue, href: SiteRoute.letterTemplate.path(kind.rawValue), name: kind.displayName,
          state: edited ? "Edited" : "As shipped"))
    }
    return try await Pages.render(request, "staff-letters", ListPage(layout: Layout(request, title: "Letters"), rows: rows))
  }

  private func kind(_ request: Request) throws -> LetterKind {
    guard let kind = request.parameters.get("kind").flatMap(LetterKind.init(rawValue:)) else { throw Abort(.notFound) }
    return kind
  }

  func edit(_ request: Request) async throws -> Response {
    let kind = try kind(request)
    let template = try await request.casework.cases.letterTemplate(kind)
    let saved = (try? request.query.get(String.self, at: "saved")) != nil
    return try await Pages.render(
      request, "staff-letter-edit",
      LetterEditPage(
        PageContext(request), template: template, notice: saved ? "Saved. Letters from now on use these words." : nil))
  }

  struct Submission: Content {
    var action: String?
    var subject: String?
    var body: String?
    var preview_reference: String?
  }

  func submit(_ request: Request) async throws -> Response {
    let kind = try kind(request)
    let form = try request.content.decode(Submission.self)
    let services = request.casework
    let template = LetterTemplate(kind: kind, subject: form.subject ?? "", body: form.body ?? "")
    let path = SiteRoute.letterTemplate.path(kind.rawValue)
    switch form.action {
    case "reset":
      try await services.settings.resetTemplate(kind)
      return request.redirect(to: path + "?saved=1", redirectType: .normal)
    case "preview":
      var errors = template.problems
      var preview: (subject: String, body: String)?
      if errors.isEmpty {
        if let reference = InputRules.clean(form.preview_reference) {
          guard let record = try await services.cases.find(reference), record.kind == .complaint else {
            errors.append(
              FieldError(field: "preview_reference", message: "Enter the reference of a complaint, like CMP-2026-000045."))
            return try await page(request, template, errors: errors, reference: reference)
          }
          preview = try await services.cases.letter(kind, for: record.id, template: template)
        } else {
          errors.append(
            FieldError(field: "preview_reference", message: "Enter a complaint's reference to preview the letter on."))
        }
      }
      return try await page(request, template, errors: errors, reference: form.preview_reference ?? "", preview: preview)
    default:
      do {
        try await services.settings.saveTemplate(template, at: services.clock.now())
        return request.redirect(to: path + "?saved=1", redirectType: .normal)
      } catch CaseworkError.invalid(let errors) {
        return try await page(request, template, errors: errors, reference: form.preview_reference ?? "")
      }
    }
  }

  private func page(
    _ request: Request, _ template: LetterTemplate, errors: [FieldError], reference: String,
    preview: (subject: String, body: String)? = nil
  ) async throws -> Response {
    try await Pages.render(
      request, "staff-letter-edit",
      LetterEditPage(
        PageContext(request), template: template, errors: FormErrors(errors, inputIDs: ["subject": "subject", "body": "body"]),
        reference: reference, preview: preview),
      status: errors.isEmpty ? .ok : .unprocessableEntity)
  }
}

struct LetterEditPage: Encodable {
  struct Variable: Encodable {
    var name: String
    var meaning: String
  }

  var layout: Layout
  var kind: String
  var action: String
  var name: String
  var subject: String
  var body: String
  var variables: [Variable]
  var reference: String
  var previewSubject: String?
  var previewLines: [String]?
  var notice: String?
  var errors: [String: String]
  var errorList: [FormErrors.Item]
  var hasErrors: Bool

  init(
    _ context: PageContext, template: LetterTemplate, errors: FormErrors = FormErrors(), reference: String = "",
    preview: (subject: String, body: String)? = nil, notice: String? = nil
  ) {
    layout = Layout(context, title: "\(errors.isEmpty ? "" : "Error: ")Letter: \(template.kind.displayName)")
    kind = template.kind.rawValue
    action = SiteRoute.letterTemplate.path(template.kind.rawValue)
    name = template.kind.displayName
    subject = template.subject
    body = template.body
    variables = template.kind.variables.sorted { $0.key < $1.key }.map { Variable(name: "{{\($0.key)}}", meaning: $0.value) }
    self.reference = reference
    previewSubject = preview?.subject
    previewLines = preview?.body.components(separatedBy: "\n")
    self.notice = notice
    self.errors = errors.byField
    errorList = errors.list
    hasErrors = !errors.isEmpty
  }
}
