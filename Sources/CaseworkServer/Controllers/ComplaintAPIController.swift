import CaseworkCore
import Foundation
import Vapor

/// `/api/v1/cases/:id/complaint…`: a complaint's record, its moves, letters and decisions
/// (domain §5). Moves out of order are 409 with the moves allowed.
struct ComplaintAPIController {
  func boot(_ routes: any RoutesBuilder) {
    let api = routes.grouped("api", "v1", "cases", ":id", "complaint")
    let reading = api.grouped(APIAuthentication(permission: .readCases))
    let working = api.grouped(APIAuthentication(permission: .workCases))
    let deciding = api.grouped(APIAuthentication(permission: .decideComplaints))
    reading.get(use: show)
    reading.get("letters", ":kind", use: letter)
    working.post("transitions", use: transition)
    working.put("investigation", use: investigation)
    working.post("ombudsman", use: ombudsman)
    deciding.post("delays", use: delay)
    deciding.post("time-limit", use: timeLimit)
  }

  struct TransitionBody: Decodable {
    var to: String?
    /// The letter's words when staff edited them (acknowledgement, final response).
    var body: String?
  }

  struct DelayBody: Decodable {
    var reason: String?
    var newDate: String?
  }

  struct TimeLimitBody: Decodable {
    var accept: Bool?
    var reason: String?
  }

  struct OmbudsmanBody: Decodable {
    var referredOn: String?
    var reference: String?
    var request: String?
    var outcome: String?
  }

  func show(_ request: Request) async throws -> ComplaintResponse {
    ComplaintResponse(try await request.casework.cases.complaint(try await request.caseParameter().id))
  }

  func letter(_ request: Request) async throws -> Response {
    guard let kind = request.parameters.get("kind").flatMap({ LetterKind(rawValue: $0.replacingOccurrences(of: "-", with: "_")) })
    else {
      throw CaseworkError.invalid([
        FieldError(
          field: "kind", message: "kind must be one of \(LetterKind.allCases.map(\.rawValue).joined(separator: ", ")).")
      ])
    }
    let letter = try await request.casework.cases.letter(kind, for: try await request.caseParameter().id)
    return try await LetterResponse(kind: kind.rawValue, subject: letter.subject, body: letter.body).encodeResponse(
      for: request)
  }

  func transition(_ request: Request) async throws -> ComplaintResponse {
    let id = try await request.caseParameter().id
    let body = try APIController.decodeJSON(TransitionBody.self, from: request)
    guard let stage = body.to.flatMap(ComplaintStage.init(rawValue:)) else {
      throw CaseworkError.invalid([
        FieldError(field: "to", message: "to must be one of \(ComplaintStage.allCases.map(\.rawValue).joined(separator: ", ")).")
      ])
    }
    let service = request.casework.cases
    switch stage {
    case .acknowledged: return ComplaintResponse(try await service.acknowledgeComplaint(id, body: body.body, by: request.actor))
    case .responseSent: return ComplaintResponse(try await service.sendFinalResponse(id, body: body.body, by: request.actor))
    default: return ComplaintResponse(try await service.moveComplaint(id, to: stage, by: request.actor))
    }
  }

  func investigation(_ request: Request) async throws -> ComplaintResponse {
    let id = try await request.caseParameter().id
    let record = try APIController.decodeJSON(InvestigationRecord.self, from: request)
    return ComplaintResponse(try await request.casework.cases.updateInvestigation(id, record, by: request.actor))
  }

  func delay(_ request: Request) async throws -> ComplaintResponse {
    let id = try await request.caseParameter().id
    let body = try APIController.decodeJSON(DelayBody.self, from: request)
    var errors: [FieldError] = []
    let newDate = APIController.date(body.newDate, field: "newDate", errors: &errors)
    if body.newDate == nil { errors.append(FieldError(field: "newDate", message: "newDate is required, as YYYY-MM-DD.")) }
    guard let newDate, errors.isEmpty else { throw CaseworkError.invalid(errors) }
    let user = try request.requireStaffUser()
    return ComplaintResponse(
      try await request.casework.cases.recordDelay(
        id, reason: body.reason ?? "", newDate: newDate, by: request.actor, staffID: user.id, name: user.name))
  }

  func timeLimit(_ request: Request) async throws -> ComplaintResponse {
    let id = try await request.caseParameter().id
    let body = try APIController.decodeJSON(TimeLimitBody.self, from: request)
    guard let accept = body.accept else {
      throw CaseworkError.invalid([FieldError(field: "accept", message: "accept is required: true or false.")])
    }
    let user = try request.requireStaffUser()
    return ComplaintResponse(
      try await request.casework.cases.decideTimeLimit(
        id, accept: accept, reason: body.reason ?? "", by: request.actor, staffID: user.id))
  }

  func ombudsman(_ request: Request) async throws -> ComplaintResponse {
    let id = try await request.caseParameter().id
    let body = try APIController.decodeJSON(OmbudsmanBody.self, from: request)
    var errors: [FieldError] = []
    let referredOn = APIController.date(body.referredOn, field: "referredOn", errors: &errors)
    if body.referredOn == nil {
      errors.append(FieldError(field: "referredOn", message: "referredOn is required, as YYYY-MM-DD."))
    }
    guard let referredOn, errors.isEmpty else { throw CaseworkError.invalid(errors) }
    let referral = OmbudsmanReferral(
      referredOn: referredOn, reference: InputRules.clean(body.reference), request: InputRules.clean(body.request),
      outcome: InputRules.clean(body.outcome))
    return ComplaintResponse(try await request.casework.cases.recordOmbudsmanReferral(id, referral, by: request.actor))
  }
}

struct LetterResponse: Content {
  var kind: String
  var subject: String
  var body: String
}

/// A complaint as the API shows it; the OpenAPI `Complaint` schema describes it.
struct ComplaintResponse: Content {
  struct Dates: Codable {
    var received: LocalDate
    var incident: LocalDate?
    var discovered: LocalDate?
  }

  var caseId: String
  var reference: String
  var stage: String
  var allowedNext: [String]
  var preset: String
  var dates: Dates
  var eligibility: EligibilityDecision
  var mayProceed: Bool
  var holdReason: String?
  var desiredOutcome: String?
  var timeLimitDecision: TimeLimitDecision?
  var investigation: InvestigationRecord
  var missingForResponse: [FieldError]
  var delays: [DelayNotice]
  var ombudsman: OmbudsmanReferral?
  var followUp: FollowUpRecord?
  var raisedFrom: String?

  init(_ current: ComplaintCase) {
    let complaint = current.complaint
    caseId = current.record.id.lowercaseString
    reference = current.record.reference.description
    stage = complaint.stage.rawValue
    allowedNext = complaint.stage.allowedNext.map(\.rawValue)
    preset = complaint.preset.rawValue
    dates = Dates(received: complaint.dates.received, incident: complaint.dates.incident, discovered: complaint.dates.discovered)
    eligibility = complaint.eligibility
    mayProceed = complaint.mayProceed
    holdReason = complaint.holdReason
    desiredOutcome = complaint.desiredOutcome
    timeLimitDecision = complaint.timeLimitDecision
    investigation = complaint.investigation
    missingForResponse = complaint.investigation.missingForResponse
    delays = complaint.delays
    ombudsman = complaint.ombudsman
    followUp = complaint.followUp
    raisedFrom = complaint.raisedFrom?.lowercaseString
  }
}
