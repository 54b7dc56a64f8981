import CaseworkCore
import Foundation
import Vapor

/// `/api/v1`: cases for integrators with a bearer token. Described by `openapi.json`.
struct CaseAPIController {
  func boot(_ routes: any RoutesBuilder) {
    let api = routes.grouped("api", "v1")
    let reading = api.grouped(APIAuthentication(permission: .readCases))
    let working = api.grouped(APIAuthentication(permission: .workCases))
    working.post("cases", use: create)
    reading.get("cases", use: list)
    reading.get("cases", ":id", use: show)
    reading.get("cases", ":id", "messages", use: messages)
    working.post("cases", ":id", "messages", use: addMessage)
    working.patch("cases", ":id", use: update)
  }

  static let maxLimit = 200

  func create(_ request: Request) async throws -> Response {
    try await request.requireIntakeOpen()
    let body = try InputParsing.decodeJSON(CreateCaseRequest.self, from: request)
    var errors: [FieldError] = []
    let kind = CaseKind(rawValue: body.kind ?? CaseKind.supportRequest.rawValue)
    if kind == nil {
      errors.append(
        FieldError(field: "kind", message: "kind must be one of \(CaseKind.allCases.map(\.rawValue).joined(separator: ", "))."))
    }
    let channel = CaseworkCore.Channel(rawValue: body.channel ?? CaseworkCore.Channel.api.rawValue)
    if channel == nil {
      errors.append(
        FieldError(
          field: "channel",
          message: "channel must be one of \(CaseworkCore.Channel.allCases.map(\.rawValue).joined(separator: ", "))."))
    }
    if body.requester == nil {
      errors.append(FieldError(field: "requester", message: "requester is required, with name and email."))
    }
    // An incident is a real incident: declared with its levels, its severity and deadlines.
    var levels: (IncidentImpact, IncidentUrgency)?
    if kind == .incident || body.impact != nil || body.urgency != nil {
      do {
        levels = try IncidentInput.levels(impact: body.impact, urgency: body.urgency)
        if kind != .incident { errors.append(FieldError(field: "kind", message: "impact and urgency belong to kind incident.")) }
      } catch CaseworkError.invalid(let problems) {
        errors += problems
      }
    }
    var complaint: ComplaintInput?
    if kind == .complaint {
      complaint = ComplaintInput(desiredOutcome: body.desiredOutcome)
      complaint?.incidentDate = InputParsing.date(body.incidentDate, field: "incidentDate", errors: &errors)
      complaint?.discoveredDate = InputParsing.date(body.discoveredDate, field: "discoveredDate", errors: &errors)
    } else if body.incidentDate != nil || body.discoveredDate != nil || body.desiredOutcome != nil {
      errors.append(
        FieldError(field: "kind", message: "incidentDate, discoveredDate and desiredOutcome belong to kind complaint."))
    }
    let input = NewCaseInput(
      kind: kind ?? .supportRequest, channel: channel ?? .api, subject: body.subject, description: body.description,
      requesterName: body.requester?.name, requesterEmail: body.requester?.email, requesterPhone: body.requester?.phone,
      organisation: body.requester?.organisation, nhsNumber: body.requester?.nhsNumber, receivedAt: body.receivedAt,
      tags: body.tags ?? [], complaint: complaint)
    let services = request.casework
    if !errors.isEmpty {
      // Report Core's findings too, so one answer names every field; without a requester
      // object its fields are already reported as one.
      errors += InputParsing.fieldErrors(of: input, now: services.clock.now())
        .filter { body.requester != nil || !$0.field.hasPrefix("requester.") }
      throw CaseworkError.invalid(errors)
    }
    if kind == .incident, let (impact, urgency) = levels {
      let valid = try input.validated(now: services.clock.now())
      let declared = try await services.cases.declareIncident(
        subject: valid.subject, impact: impact, urgency: urgency, reporter: valid.requester, details: valid.description,
        by: request.actor)
      let response = CaseResponse(
        declared.record, deadlines: try await services.cases.deadlines(of: declared.record.id),
        text: services.deadlineText, now: services.clock.now()
      )
      .response(status: .created)
      response.headers.replaceOrAdd(name: .location, value: SiteRoute.apiCase.path(declared.record.id))
      return response
    }
    let opened = try await services.cases.open(input, by: request.actor, autoReply: body.notifyRequester ?? true)
    let response = CaseResponse(
      opened.record, deadlines: opened.deadlines, text: services.deadlineText, now: services.clock.now()
    )
    .response(status: .created)
    response.headers.replaceOrAdd(name: .location, value: SiteRoute.apiCase.path(opened.record.id))
    return response
  }

  struct ListQuery: Decodable {
    var status: String?
    var kind: String?
    var assigneeId: String?
    var tag: String?
    var q: String?
    var limit: Int?
    var cursor: String?
  }

  func list(_ request: Request) async throws -> CaseListResponse {
    let params = try request.query.decode(ListQuery.self)
    var query = CaseQuery(limit: 25)
    var errors: [FieldError] = []
    if let limit = params.limit {
      if (1...Self.maxLimit).contains(limit) {
        query.limit = limit
      } else {
        errors.append(FieldError(field: "limit", message: "limit must be from 1 to \(Self.maxLimit)."))
      }
    }
    if let status = params.status {
      let statuses = status.split(separator: ",", omittingEmptySubsequences: false).map { CaseStatus(rawValue: String($0)) }
      if statuses.contains(nil) {
        errors.append(
          FieldError(
            field: "status",
            message: "status must be a comma-separated list of \(CaseStatus.allCases.map(\.rawValue).joined(separator: ", "))."))
      } else {
        query.statuses = statuses.compactMap { $0 }
      }
    }
    if let kind = params.kind {
      query.kind = CaseKind(rawValue: kind)
      if query.kind == nil {
        errors.append(
          FieldError(field: "kind", message: "kind must be one of \(CaseKind.allCases.map(\.rawValue).joined(separator: ", "))."))
      }
    }
    if let assignee = params.assigneeId {
      if assignee == "none" {
        query.assignee = .unassigned
      } else if let id = UUID(uuidString: assignee) {
        query.assignee = .user(id)
      } else {
        errors.append(FieldError(field: "assigneeId", message: "assigneeId must be a staff id or none."))
      }
    }
    if let tag = params.tag {
      query.tag = InputRules.normaliseTag(tag)
      if query.tag == nil { errors.append(FieldError(field: "tag", message: "tag is not a valid tag.")) }
    }
    query.text = params.q.flatMap { InputRules.clean($0) }.map { String($0.prefix(200)) }
    if let cursor = params.cursor {
      query.after = CaseCursor(token: cursor)
      if query.after == nil { errors.append(FieldError(field: "cursor", message: "cursor is not one this server gave out.")) }
    }
    guard errors.isEmpty else { throw CaseworkError.invalid(errors) }
    let services = request.casework
    query.includeDeadlines = true
    let list = try await services.cases.list(query)
    let deadlines = list.deadlines
    let text = services.deadlineText
    let now = services.clock.now()
    return CaseListResponse(
      data: list.cases.map { CaseResponse($0, deadlines: deadlines[$0.id] ?? [], text: text, now: now) },
      nextCursor: list.nextCursor?.token)
  }

  func show(_ request: Request) async throws -> CaseResponse {
    try await Self.response(for: try await request.caseParameter(), request)
  }

  static func response(for record: Case, _ request: Request) async throws -> CaseResponse {
    let services = request.casework
    let deadlines = try await services.cases.deadlines(of: record.id)
    return CaseResponse(record, deadlines: deadlines, text: services.deadlineText, now: services.clock.now())
  }

  func messages(_ request: Request) async throws -> MessageListResponse {
    let record = try await request.caseParameter()
    let messages = try await request.casework.cases.messages(of: record.id)
    return MessageListResponse(data: messages.map(MessageResponse.init))
  }

  func addMessage(_ request: Request) async throws -> Response {
    let record = try await request.caseParameter()
    let body = try InputParsing.decodeJSON(CreateMessageRequest.self, from: request)
    let service = request.casework.cases
    let message: CaseMessage
    switch body.kind ?? "reply" {
    case "reply":
      message = try await service.reply(to: record.id, body: body.body ?? "", by: request.actor, role: request.staffUser?.role).1
    case "note": message = try await service.addNote(to: record.id, body: body.body ?? "", by: request.actor).1
    default: throw CaseworkError.invalid([FieldError(field: "kind", message: "kind must be reply or note.")])
    }
    return try await MessageResponse(message).encodeResponse(status: .created, for: request)
  }

  func update(_ request: Request) async throws -> CaseResponse {
    let record = try await request.caseParameter()
    let body = try InputParsing.decodeJSON(UpdateCaseRequest.self, from: request)
    var change = CaseUpdate(tags: body.tags)
    var errors: [FieldError] = []
    if let status = body.status {
      change.status = CaseStatus(rawValue: status)
      if change.status == nil {
        errors.append(
          FieldError(
            field: "status", message: "status must be one of \(CaseStatus.allCases.map(\.rawValue).joined(separator: ", "))."))
      }
    }
    if let priority = body.priority {
      change.priority = CasePriority(rawValue: priority)
      if change.priority == nil { errors.append(FieldError(field: "priority", message: "priority must be normal or urgent.")) }
    }
    if let assignee = body.assigneeId { change.assignee = .some(assignee) }
    guard errors.isEmpty else { throw CaseworkError.invalid(errors) }
    return try await Self.response(
      for: try await request.casework.cases.update(record.id, with: change, by: request.actor), request)
  }
}

/// Process and database health for load balancers and orchestrators.
struct HealthController {
  func boot(_ routes: any RoutesBuilder) {
    routes.get("healthz") { _ in "ok" }
    routes.get("readyz", use: ready)
  }

  func ready(_ request: Request) async throws -> Response {
    do {
      _ = try await request.casework.staff.count()
      return Response(status: .ok, body: "ready")
    } catch {
      request.logger.warning("database not reachable")
      return Response(status: .serviceUnavailable, body: "database not reachable")
    }
  }
}
