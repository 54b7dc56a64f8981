import CaseworkCore
import Foundation
import Vapor

/// `/api/v1/triage` and `/api/v1/cases/:id/incident…`: the triage queue, triage decisions and
/// an incident's assessment (domain §6).
struct IncidentAPIController {
  func boot(_ routes: any RoutesBuilder) {
    let api = routes.grouped("api", "v1")
    let reading = api.grouped(APIAuthentication(permission: .readCases))
    let working = api.grouped(APIAuthentication(permission: .workCases))
    reading.get("triage", use: queue)
    working.post("cases", ":id", "triage", use: triage)
    reading.get("cases", ":id", "incident", use: show)
    working.post("cases", ":id", "incident", "assessment", use: assess)
    working.post("cases", ":id", "incident", "updates", use: addUpdate)
  }

  struct QueueItem: Content {
    var caseId: String
    var reference: String
    var subject: String
    var channel: String
    var receivedAt: Date
    var waitingMinutes: Int
  }

  struct Queue: Content {
    var data: [QueueItem]
    /// Every report waiting, on this page or later ones.
    var total: Int
    /// The `offset` of the next page, when there is one.
    var nextOffset: Int?
  }

  struct QueueParameters: Decodable {
    var limit: Int?
    var offset: Int?
  }

  /// Reports waiting for triage, oldest first, with how long each has waited, a page at a time.
  func queue(_ request: Request) async throws -> Queue {
    let services = request.casework
    let now = services.clock.now()
    let parameters = try request.query.decode(QueueParameters.self)
    var errors: [FieldError] = []
    if let limit = parameters.limit, !(1...200).contains(limit) {
      errors.append(FieldError(field: "limit", message: "limit must be from 1 to 200."))
    }
    if let offset = parameters.offset, offset < 0 {
      errors.append(FieldError(field: "offset", message: "offset must be 0 or more."))
    }
    guard errors.isEmpty else { throw CaseworkError.invalid(errors) }
    let page = try await services.cases.triageQueue(limit: parameters.limit ?? 100, offset: parameters.offset ?? 0)
    return Queue(
      data: page.reports.map(\.record).map {
        QueueItem(
          caseId: $0.id.lowercaseString, reference: $0.reference.description, subject: $0.subject, channel: $0.channel.rawValue,
          receivedAt: $0.receivedAt, waitingMinutes: max(0, Int(now.timeIntervalSince($0.receivedAt) / 60)))
      }, total: page.total, nextOffset: page.hasMore ? page.offset + page.limit : nil)
  }

  struct TriageBody: Decodable {
    var decision: String?
    var reason: String?
    var subject: String?
    var impact: Int?
    var urgency: Int?
    var incident: String?
  }

  func triage(_ request: Request) async throws -> Response {
    let id = try await request.caseParameter().id
    let body = try InputParsing.decodeJSON(TriageBody.self, from: request)
    let decision = try IncidentInput.decision(
      body.decision, reason: body.reason, subject: body.subject, impact: body.impact, urgency: body.urgency,
      incident: body.incident)
    let result = try await request.casework.cases.triage(id, decision, by: request.actor)
    guard let result else { return Response(status: .noContent) }
    return try await IncidentResponse(result, reports: try await IncidentInput.reports(of: result.record.id, request))
      .encodeResponse(
        status: body.decision == "declare" ? .created : .ok, for: request)
  }

  func show(_ request: Request) async throws -> IncidentResponse {
    let id = try await request.caseParameter().id
    return IncidentResponse(
      try await request.casework.cases.incident(id), reports: try await IncidentInput.reports(of: id, request))
  }

  struct AssessmentBody: Decodable {
    var impact: Int?
    var urgency: Int?
    /// Set only to differ from the matrix, with `reason`.
    var severity: Int?
    var reason: String?
  }

  func assess(_ request: Request) async throws -> IncidentResponse {
    let id = try await request.caseParameter().id
    let body = try InputParsing.decodeJSON(AssessmentBody.self, from: request)
    try await IncidentInput.requireSeverityRight(request, id: id, override: body.severity != nil)
    let (impact, urgency) = try IncidentInput.levels(impact: body.impact, urgency: body.urgency)
    let result = try await request.casework.cases.assessIncident(
      id, impact: impact, urgency: urgency, override: body.severity.map { ($0, body.reason ?? "") }, by: request.actor,
      staffID: request.staffUser?.id)
    return IncidentResponse(result, reports: try await IncidentInput.reports(of: id, request))
  }
}

extension IncidentAPIController {
  struct UpdateBody: Decodable {
    var text: String?
    /// Shown on the status page once the incident is published.
    var `public`: Bool?
    /// Put the incident on the status page now.
    var publish: Bool?
  }

  func addUpdate(_ request: Request) async throws -> Response {
    let record = try await request.caseParameter()
    let body = try InputParsing.decodeJSON(UpdateBody.self, from: request)
    if body.public == true || body.publish == true { try request.require(.manageIncidents) }
    let result = try await request.casework.cases.addIncidentUpdate(
      record.id, text: body.text ?? "", isPublic: body.public ?? false, publish: body.publish ?? false, by: request.actor,
      name: request.staffUser?.name ?? "API")
    return try await IncidentResponse(result, reports: try await IncidentInput.reports(of: record.id, request)).encodeResponse(
      status: .created, for: request)
  }
}
