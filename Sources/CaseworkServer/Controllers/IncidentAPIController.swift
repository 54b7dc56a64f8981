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

  static func levels(impact: Int?, urgency: Int?) throws -> (IncidentImpact, IncidentUrgency) {
    var errors: [FieldError] = []
    let impactLevel = impact.flatMap(IncidentImpact.init(rawValue:))
    let urgencyLevel = urgency.flatMap(IncidentUrgency.init(rawValue:))
    if impactLevel == nil { errors.append(FieldError(field: "impact", message: "impact must be a level from 1 to 5.")) }
    if urgencyLevel == nil { errors.append(FieldError(field: "urgency", message: "urgency must be a level from 1 to 5.")) }
    guard let impactLevel, let urgencyLevel else { throw CaseworkError.invalid(errors) }
    return (impactLevel, urgencyLevel)
  }

  func triage(_ request: Request) async throws -> Response {
    let id = try await request.caseParameter().id
    let body = try APIController.decodeJSON(TriageBody.self, from: request)
    let decision = try Self.decision(
      body.decision, reason: body.reason, subject: body.subject, impact: body.impact, urgency: body.urgency,
      incident: body.incident)
    let result = try await request.casework.cases.triage(id, decision, by: request.actor)
    guard let result else { return Response(status: .noContent) }
    return try await IncidentResponse(result, reports: try await Self.reports(of: result.record.id, request)).encodeResponse(
      status: body.decision == "declare" ? .created : .ok, for: request)
  }

  /// A triage decision from a form or JSON body, each missing part named.
  static func decision(
    _ kind: String?, reason: String?, subject: String?, impact: Int?, urgency: Int?, incident: String?
  ) throws -> TriageDecision {
    // Levels given with another decision are still checked: a wrong value is never ignored.
    if kind != "declare", impact != nil || urgency != nil {
      var errors: [FieldError] = []
      if let impact, IncidentImpact(rawValue: impact) == nil {
        errors.append(FieldError(field: "impact", message: "impact must be a level from 1 to 5."))
      }
      if let urgency, IncidentUrgency(rawValue: urgency) == nil {
        errors.append(FieldError(field: "urgency", message: "urgency must be a level from 1 to 5."))
      }
      if !errors.isEmpty { throw CaseworkError.invalid(errors) }
    }
    switch kind {
    case "not_an_incident": return .notAnIncident(reason: reason ?? "")
    case "declare":
      let (impact, urgency) = try levels(impact: impact, urgency: urgency)
      guard let subject = InputRules.cleanLine(subject) else {
        throw CaseworkError.invalid([FieldError(field: "subject", message: "Give the incident a short title.")])
      }
      return .declare(subject: String(subject.prefix(InputRules.maxSubject)), impact: impact, urgency: urgency)
    case "link":
      guard let reference = incident.flatMap(CaseReference.init) else {
        throw CaseworkError.invalid([
          FieldError(field: "incident", message: "Enter the reference of an open incident, like INC-2026-000007.")
        ])
      }
      return .linkTo(reference)
    default:
      throw CaseworkError.invalid([
        FieldError(field: "decision", message: "Choose a decision: not_an_incident, declare or link.")
      ])
    }
  }

  static func reports(of id: CaseID, _ request: Request) async throws -> [String] {
    try await request.casework.cases.links(of: id).filter { $0.relation == .reportOf }.map(\.reference.description)
  }

  func show(_ request: Request) async throws -> IncidentResponse {
    let id = try await request.caseParameter().id
    return IncidentResponse(try await request.casework.cases.incident(id), reports: try await Self.reports(of: id, request))
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
    let body = try APIController.decodeJSON(AssessmentBody.self, from: request)
    try await Self.requireSeverityRight(request, id: id, override: body.severity != nil)
    let (impact, urgency) = try Self.levels(impact: body.impact, urgency: body.urgency)
    let result = try await request.casework.cases.assessIncident(
      id, impact: impact, urgency: urgency, override: body.severity.map { ($0, body.reason ?? "") }, by: request.actor,
      staffID: request.staffUser?.id)
    return IncidentResponse(result, reports: try await Self.reports(of: id, request))
  }
}

extension IncidentAPIController {
  /// Setting a severity by hand is an incident manager's call, and so is undoing one: a
  /// reassessment without an override would clear a manager's.
  static func requireSeverityRight(_ request: Request, id: CaseID, override: Bool) async throws {
    let current = try await request.casework.cases.incident(of: id)
    if override || current?.severityOverride != nil { try request.require(.manageIncidents) }
  }

  struct UpdateBody: Decodable {
    var text: String?
    /// Shown on the status page once the incident is published.
    var `public`: Bool?
    /// Put the incident on the status page now.
    var publish: Bool?
  }

  func addUpdate(_ request: Request) async throws -> Response {
    let record = try await request.caseParameter()
    let body = try APIController.decodeJSON(UpdateBody.self, from: request)
    if body.public == true || body.publish == true { try request.require(.manageIncidents) }
    let result = try await request.casework.cases.addIncidentUpdate(
      record.id, text: body.text ?? "", isPublic: body.public ?? false, publish: body.publish ?? false, by: request.actor,
      name: request.staffUser?.name ?? "API")
    return try await IncidentResponse(result, reports: try await Self.reports(of: record.id, request)).encodeResponse(
      status: .created, for: request)
  }
}

/// An incident as the API shows it; the OpenAPI `Incident` schema describes it.
struct IncidentResponse: Content {
  struct Override: Content {
    var severity: Int
    var reason: String
    var at: Date
  }

  var caseId: String
  var reference: String
  var subject: String
  var status: String
  var impact: Int
  var urgency: Int
  var severity: Int
  var suggestedSeverity: Int
  var severityOverride: Override?
  var declaredAt: Date
  var reports: [String]
  var publishedAt: Date?
  var updates: [IncidentUpdate]
  var patientSafety: Bool
  var clinicalReview: ClinicalReview?
  var personalDataBreach: Bool
  var breach: BreachRecord?
  var resolutionSummary: String?
  var review: PostIncidentReview?
  var members: [WorkingGroupMember]

  init(_ current: IncidentCase, reports: [String]) {
    caseId = current.record.id.lowercaseString
    reference = current.record.reference.description
    subject = current.record.subject
    status = current.record.status.rawValue
    impact = current.incident.impact.rawValue
    urgency = current.incident.urgency.rawValue
    severity = current.incident.severity
    suggestedSeverity = current.incident.suggestedSeverity
    severityOverride = current.incident.severityOverride.map { Override(severity: $0.severity, reason: $0.reason, at: $0.at) }
    declaredAt = current.incident.declaredAt
    self.reports = reports
    publishedAt = current.incident.publishedAt
    updates = current.incident.updates
    patientSafety = current.incident.patientSafety
    clinicalReview = current.incident.clinicalReview
    personalDataBreach = current.incident.personalDataBreach
    breach = current.incident.breach
    resolutionSummary = current.incident.resolutionSummary
    review = current.incident.review
    members = current.incident.members
  }
}
