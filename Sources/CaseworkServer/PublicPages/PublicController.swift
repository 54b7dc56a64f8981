import CaseworkCore
import Foundation
import Vapor

/// Pages for the public: the support form, its confirmation, and the requester's private case
/// page reached through the link in the confirmation.
struct PublicController {
  func boot(_ routes: any RoutesBuilder) {
    routes.get(.home, use: home)
    routes.get(.support, use: supportForm)
    routes.post(.support, use: submitSupport)
    routes.get(.received, use: received)
    routes.get(.requesterCase, use: requesterCase)
    routes.post(.requesterReply, use: requesterReply)
    routes.post(.requesterEscalate, use: requesterEscalate)
  }

  struct HomePage: Encodable {
    var layout: Layout
  }

  func home(_ request: Request) async throws -> Response {
    try await Pages.render(request, "home", HomePage(layout: Layout(request, title: "Technical support")))
  }

  func supportForm(_ request: Request) async throws -> Response {
    var page = SupportFormPage(PageContext(request))
    page.intakeMessage = try await request.intakeStoppedMessage()
    return try await Pages.render(request, "support-form", page)
  }

  struct SupportSubmission: Content {
    var name: String?
    var email: String?
    var subject: String?
    var description: String?
    var nhs_number: String?
    var form_key: String?
  }

  func submitSupport(_ request: Request) async throws -> Response {
    try await request.requireIntakeOpen()
    let submission = try request.content.decode(SupportSubmission.self)
    let input = NewCaseInput(
      kind: .supportRequest, channel: .web, subject: submission.subject, description: submission.description,
      requesterName: submission.name, requesterEmail: submission.email, nhsNumber: submission.nhs_number)
    return try await request.openPublicCase(input, formKey: submission.form_key) { errors, status in
      let form = SupportFormPage.Form(
        name: submission.name ?? "", email: submission.email ?? "", subject: submission.subject ?? "",
        description: submission.description ?? "", nhsNumber: submission.nhs_number ?? "")
      return try await Pages.render(
        request, "support-form",
        SupportFormPage(PageContext(request), form: form, errors: FormErrors(errors, inputIDs: SupportFormPage.inputIDs)),
        status: status)
    }
  }

  /// The confirmation after a public form: what was received, the reference, the private
  /// link and, when screening found it, the signposting. Shown by GET, so a refresh is safe.
  func received(_ request: Request) async throws -> Response {
    let (record, token) = try await caseForToken(request)
    let services = request.casework
    let first = try await services.cases.messages(of: record.id).first { $0.kind == .inbound }
    let screening = services.cases.screener.screen(record.subject, first?.body ?? "")
    let signposting = services.cases.safetyNet.signposting(for: screening)
    let link = services.cases.caseLinks?.url(token: token) ?? "\(services.config.publicURL)/my-case/\(token)"
    if record.kind == .complaint {
      let page = ComplaintSubmittedPage(
        layout: Layout(request, title: "Complaint received"), reference: record.reference.description,
        privateLink: SiteRoute.requesterCase.path(token), privateLinkText: link, emergency: screening.isEmergency,
        signposting: signposting)
      return try await Pages.render(request, "complaint-submitted", page)
    }
    let report = record.tags.contains(CaseService.possibleIncidentTag)
    let page = SubmittedPage(
      layout: Layout(request, title: report ? "Report received" : "Request received"),
      reference: record.reference.description, privateLink: SiteRoute.requesterCase.path(token), privateLinkText: link,
      emergency: screening.isEmergency, clinicalOnly: !report && screening.isClinical && !screening.isEmergency,
      signposting: signposting)
    return try await Pages.render(request, "support-submitted", page)
  }

  func caseForToken(_ request: Request) async throws -> (Case, String) {
    let token = request.parameters.get("token") ?? ""
    guard let record = try await request.casework.cases.caseForAccessToken(token) else { throw Abort(.notFound) }
    return (record, token)
  }

  func requesterCase(_ request: Request) async throws -> Response {
    let (record, token) = try await caseForToken(request)
    let messages = try await request.casework.cases.messages(of: record.id)
    let deadlines = try await request.casework.cases.deadlines(of: record.id)
    return try await Pages.render(
      request, "my-case",
      RequesterCasePage(PageContext(request), record: record, messages: messages, deadlines: deadlines, token: token))
  }

  struct ReplySubmission: Content {
    var body: String?
  }

  func requesterReply(_ request: Request) async throws -> Response {
    let (record, token) = try await caseForToken(request)
    let body = try request.content.decode(ReplySubmission.self).body ?? ""
    do {
      // Per link and per address, so a leaked link cannot flood a case, nor one client many.
      let services = request.casework
      let now = services.clock.now()
      if let wait = services.replyLimiter.attempt("link:" + services.hasher.digest(token), now: now)
        ?? services.replyLimiter.attempt("address:" + request.clientAddress, now: now)
      {
        throw CaseworkError.invalid([
          FieldError(
            field: "body",
            message:
              "You have sent several replies in a short time. Your reply is below: send it again in \(WaitWords.minutes(wait))."
          )
        ])
      }
      try await services.cases.requesterReply(to: record.id, body: body)
      return request.redirect(to: SiteRoute.requesterCase.path(token) + "#reply-heading", redirectType: .normal)
    } catch CaseworkError.invalid(let errors) {
      let messages = try await request.casework.cases.messages(of: record.id)
      let deadlines = try await request.casework.cases.deadlines(of: record.id)
      return try await Pages.render(
        request, "my-case",
        RequesterCasePage(
          PageContext(request), record: record, messages: messages, deadlines: deadlines, token: token, draft: body,
          errors: FormErrors(errors)),
        status: .unprocessableEntity)
    }
  }
}

extension PublicController {
  /// The requester's Escalate button: the same as replying "I wish to escalate".
  func requesterEscalate(_ request: Request) async throws -> Response {
    let (record, token) = try await caseForToken(request)
    try await request.casework.cases.escalate(record.id, by: .requester)
    return request.redirect(to: SiteRoute.requesterCase.path(token) + "#escalate-heading", redirectType: .normal)
  }
}

extension Request {
  /// The client's address for rate limiting: the peer's, or behind a trusted reverse proxy
  /// the address it forwarded (`TrustedProxies`).
  var clientAddress: String {
    casework.config.trustedProxies.clientAddress(
      peer: remoteAddress?.ipAddress, forwardedFor: headers[canonicalForm: "X-Forwarded-For"].map(String.init)) ?? "unknown"
  }
}
