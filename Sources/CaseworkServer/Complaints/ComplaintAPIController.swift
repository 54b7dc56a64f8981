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
    working.post("investigation", "actions", ":actionId", "done", use: actionDone)
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
    let body = try InputParsing.decodeJSON(TransitionBody.self, from: request)
    guard let stage = body.to.flatMap(ComplaintStage.init(rawValue:)) else {
      throw CaseworkError.invalid([
        FieldError(field: "to", message: "to must be one of \(ComplaintStage.allCases.map(\.rawValue).joined(separator: ", ")).")
      ])
    }
    return ComplaintResponse(
      try await request.casework.cases.transitionComplaint(id, to: stage, letter: body.body, by: request.actor))
  }

  /// The findings, and any new actions. Ids and completion times are the server's: an action
  /// is completed with `…/actions/{actionId}/done`.
  struct InvestigationBody: Decodable {
    struct NewAction: Decodable {
      var id: String?
      var description: String?
      var owner: String?
      var due: String?
      var doneAt: Double?
    }
    var whatHappened: String?
    var whatWentWrong: String?
    var apologyGiven: Bool?
    var apologyWords: String?
    var discussionOffered: Bool?
    var discussionHeld: Bool?
    var principles: [String]?
    var notes: String?
    var actions: [NewAction]?
  }

  func investigation(_ request: Request) async throws -> ComplaintResponse {
    let id = try await request.caseParameter().id
    let body = try InputParsing.decodeJSON(InvestigationBody.self, from: request)
    var errors: [FieldError] = []
    var principles: [ComplaintPrinciple] = []
    for (index, text) in (body.principles ?? []).enumerated() {
      guard let principle = ComplaintPrinciple(rawValue: text) else {
        errors.append(
          FieldError(
            field: "principles[\(index)]",
            message: "principles must each be one of \(ComplaintPrinciple.allCases.map(\.rawValue).joined(separator: ", "))."))
        continue
      }
      principles.append(principle)
    }
    var changes: [InvestigationChange] = [
      .findings(
        InvestigationFindings(
          whatHappened: body.whatHappened, whatWentWrong: body.whatWentWrong, apologyGiven: body.apologyGiven,
          apologyWords: body.apologyWords, discussionOffered: body.discussionOffered, discussionHeld: body.discussionHeld,
          principles: principles, notes: body.notes))
    ]
    for (index, action) in (body.actions ?? []).enumerated() {
      if action.id != nil || action.doneAt != nil {
        errors.append(
          FieldError(
            field: "actions[\(index)]",
            message:
              "An action's id and doneAt are set by the server: send new actions without them, and complete one with POST …/investigation/actions/{actionId}/done."
          ))
      }
      let due = InputParsing.date(action.due, field: "actions[\(index)].due", errors: &errors)
      changes.append(.addAction(description: action.description, owner: action.owner, due: due))
    }
    guard errors.isEmpty else { throw CaseworkError.invalid(errors) }
    return ComplaintResponse(try await request.casework.cases.changeInvestigation(id, changes, by: request.actor))
  }

  func actionDone(_ request: Request) async throws -> ComplaintResponse {
    let id = try await request.caseParameter().id
    guard let actionID = request.parameters.get("actionId").flatMap(UUID.init(uuidString:)) else {
      throw CaseworkError.invalid([FieldError(field: "actionId", message: "actionId must be the id of one of the actions.")])
    }
    return ComplaintResponse(
      try await request.casework.cases.changeInvestigation(id, [.completeAction(actionID)], by: request.actor))
  }

  func delay(_ request: Request) async throws -> ComplaintResponse {
    let id = try await request.caseParameter().id
    let body = try InputParsing.decodeJSON(DelayBody.self, from: request)
    var errors: [FieldError] = []
    let newDate = InputParsing.date(body.newDate, field: "newDate", errors: &errors)
    if body.newDate == nil { errors.append(FieldError(field: "newDate", message: "newDate is required, as YYYY-MM-DD.")) }
    guard let newDate, errors.isEmpty else { throw CaseworkError.invalid(errors) }
    let user = try request.requireStaffUser()
    return ComplaintResponse(
      try await request.casework.cases.recordDelay(
        id, reason: body.reason ?? "", newDate: newDate, by: request.actor, staffID: user.id, name: user.name))
  }

  func timeLimit(_ request: Request) async throws -> ComplaintResponse {
    let id = try await request.caseParameter().id
    let body = try InputParsing.decodeJSON(TimeLimitBody.self, from: request)
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
    let body = try InputParsing.decodeJSON(OmbudsmanBody.self, from: request)
    var errors: [FieldError] = []
    let referredOn = InputParsing.date(body.referredOn, field: "referredOn", errors: &errors)
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
