import CaseworkCore
import Foundation
import Vapor

/// `/api/v1/cases/:id/incident/…`: resolution, closure with its review, patient safety and
/// personal data breach (domain §6).
struct IncidentLifecycleAPI {
  func boot(_ routes: any RoutesBuilder) {
    let incident = routes.grouped("api", "v1", "cases", ":id", "incident")
    let working = incident.grouped(APIAuthentication(permission: .workCases))
    working.post("patient-safety", use: patientSafety)
    working.post("breach", use: breach)
    let managing = incident.grouped(APIAuthentication(permission: .manageIncidents))
    managing.post("resolve", use: resolve)
    managing.post("close", use: close)
    incident.grouped(APIAuthentication(permission: .decideBreaches)).post("breach-decision", use: breachDecision)
    working.post("members", use: addMembers)
    incident.grouped(APIAuthentication(permission: .reviewClinicalSafety)).post("clinical-review", use: clinicalReview)
  }

  private func respond(_ result: IncidentCase, _ request: Request) async throws -> IncidentResponse {
    IncidentResponse(result, reports: try await IncidentInput.reports(of: result.record.id, request))
  }

  struct ResolveBody: Decodable {
    var summary: String?
  }

  func resolve(_ request: Request) async throws -> IncidentResponse {
    let id = try await request.caseParameter().id
    let body = try InputParsing.decodeJSON(ResolveBody.self, from: request)
    return try await respond(
      try await request.casework.cases.resolveIncident(id, summary: body.summary ?? "", by: request.actor), request)
  }

  struct CloseBody: Decodable {
    var review: PostIncidentReview?
  }

  func close(_ request: Request) async throws -> IncidentResponse {
    let id = try await request.caseParameter().id
    let body = try InputParsing.decodeJSON(CloseBody.self, from: request)
    guard let review = body.review else {
      throw CaseworkError.invalid([
        FieldError(field: "review", message: "Closing needs the post-incident review: whatHappened, cause, actions.")
      ])
    }
    return try await respond(try await request.casework.cases.closeIncident(id, review: review, by: request.actor), request)
  }

  /// The body carries nothing, but what is sent must still be a JSON object (a struct with no
  /// fields would otherwise decode from anything, an array included).
  struct NoFields: Decodable {
    struct AnyKey: CodingKey {
      var stringValue: String
      var intValue: Int? { nil }
      init?(stringValue: String) { self.stringValue = stringValue }
      init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
      _ = try decoder.container(keyedBy: AnyKey.self)
    }
  }

  func patientSafety(_ request: Request) async throws -> IncidentResponse {
    if (request.body.data?.readableBytes ?? 0) > 0 { _ = try InputParsing.decodeJSON(NoFields.self, from: request) }
    let id = try await request.caseParameter().id
    return try await respond(try await request.casework.cases.flagPatientSafety(id, by: request.actor), request)
  }

  struct ClinicalReviewBody: Decodable {
    var hazard: String?
    var likelihood: String?
    var consequence: String?
    var hazardLogUpdated: Bool?
  }

  func clinicalReview(_ request: Request) async throws -> IncidentResponse {
    let id = try await request.caseParameter().id
    let body = try InputParsing.decodeJSON(ClinicalReviewBody.self, from: request)
    var errors: [FieldError] = []
    let likelihood = body.likelihood.flatMap(HazardLikelihood.init(rawValue:))
    let consequence = body.consequence.flatMap(HazardConsequence.init(rawValue:))
    if likelihood == nil {
      errors.append(
        FieldError(
          field: "likelihood",
          message: "likelihood must be one of \(HazardLikelihood.allCases.map(\.rawValue).joined(separator: ", "))."))
    }
    if consequence == nil {
      errors.append(
        FieldError(
          field: "consequence",
          message: "consequence must be one of \(HazardConsequence.allCases.map(\.rawValue).joined(separator: ", "))."))
    }
    if body.hazardLogUpdated == nil {
      errors.append(FieldError(field: "hazardLogUpdated", message: "Say whether the hazard log was updated."))
    }
    guard let likelihood, let consequence, let logged = body.hazardLogUpdated, errors.isEmpty else {
      throw CaseworkError.invalid(errors)
    }
    let user = try request.requireStaffUser()
    return try await respond(
      try await request.casework.cases.recordClinicalReview(
        id, hazard: body.hazard ?? "", likelihood: likelihood, consequence: consequence, hazardLogUpdated: logged,
        by: request.actor, staffID: user.id), request)
  }

  struct BreachBody: Decodable {
    var awareAt: Date?
  }

  func breach(_ request: Request) async throws -> IncidentResponse {
    let id = try await request.caseParameter().id
    let body = try InputParsing.decodeJSON(BreachBody.self, from: request)
    guard let awareAt = body.awareAt else {
      throw CaseworkError.invalid([
        FieldError(field: "awareAt", message: "awareAt is required: the moment we became aware, as an ISO 8601 time.")
      ])
    }
    return try await respond(try await request.casework.cases.flagBreach(id, awareAt: awareAt, by: request.actor), request)
  }

  struct DecisionBody: Decodable {
    var decision: String?
    var reference: String?
    var reportedAt: Date?
    var reason: String?
  }

  func breachDecision(_ request: Request) async throws -> IncidentResponse {
    let id = try await request.caseParameter().id
    let body = try InputParsing.decodeJSON(DecisionBody.self, from: request)
    let decision: BreachRecord.Decision
    switch body.decision {
    case "reported":
      guard let at = body.reportedAt else {
        throw CaseworkError.invalid([FieldError(field: "reportedAt", message: "reportedAt is required for a report to the ICO.")])
      }
      decision = .reported(reference: body.reference ?? "", at: at)
    case "not_reportable": decision = .notReportable(reason: body.reason ?? "")
    default:
      throw CaseworkError.invalid([FieldError(field: "decision", message: "decision must be reported or not_reportable.")])
    }
    let user = try request.requireStaffUser()
    return try await respond(
      try await request.casework.cases.decideBreach(id, decision, by: request.actor, staffID: user.id), request)
  }

  struct MembersBody: Decodable {
    /// One person, by staff id or email…
    var staff: String?
    /// …or everyone active in a staff role, such as clinical_safety_officer.
    var staffRole: String?
    var role: String?
  }

  func addMembers(_ request: Request) async throws -> IncidentResponse {
    let id = try await request.caseParameter().id
    let body = try InputParsing.decodeJSON(MembersBody.self, from: request)
    let people = try await Self.people(staff: body.staff, staffRole: body.staffRole, request)
    guard let role = body.role.flatMap(GroupRole.init(rawValue:)) else {
      throw CaseworkError.invalid([
        FieldError(field: "role", message: "role must be one of \(GroupRole.allCases.map(\.rawValue).joined(separator: ", ")).")
      ])
    }
    let link = "\(request.casework.config.publicURL)/staff/cases/\(id.lowercaseString)/incident"
    return try await respond(
      try await request.casework.cases.addToWorkingGroup(id, people: people, role: role, link: link, by: request.actor), request)
  }

  /// The people a request names: one member of staff (id or email), or everyone in a staff role.
  static func people(staff: String?, staffRole: String?, _ request: Request) async throws -> [StaffUser] {
    let repository = request.casework.staff
    if let staff = staff.flatMap({ InputRules.clean($0) }) {
      var found: StaffUser?
      if let id = UUID(uuidString: staff) { found = try await repository.find(id: id) }
      if found == nil { found = try await repository.find(email: staff.lowercased()) }
      if let found { return [found] }
      throw CaseworkError.invalid([FieldError(field: "staff", message: "There is no member of staff \(staff).")])
    }
    if let staffRole {
      guard let role = StaffRole(rawValue: staffRole) else {
        throw CaseworkError.invalid([
          FieldError(
            field: "staffRole", message: "staffRole must be one of \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))."
          )
        ])
      }
      return try await request.casework.cases.people.active(role)
    }
    throw CaseworkError.invalid([FieldError(field: "staff", message: "Name a member of staff, or a staff role.")])
  }
}
