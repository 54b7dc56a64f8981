import CaseworkCore
import Foundation
import Vapor

/// An incident as the API shows it; the OpenAPI `Incident` schema describes it. Every part is an
/// API type of its own, copied from Core's records field by field.
struct IncidentResponse: Content {
  struct Override: Content {
    var severity: Int
    var reason: String
    var at: Date
  }

  struct Update: Content {
    var id: UUID
    var at: Date
    var text: String
    var isPublic: Bool
    var by: String
  }

  struct Clinical: Content {
    var hazard: String
    var likelihood: String
    var consequence: String
    var hazardLogUpdated: Bool
    var by: UUID
    var at: Date
  }

  /// One of the two, as `{"reported": {…}}` or `{"notReportable": {…}}`.
  struct Decision: Content {
    struct Reported: Content {
      var reference: String
      var at: Date
    }

    struct NotReportable: Content {
      var reason: String
    }

    var reported: Reported?
    var notReportable: NotReportable?

    init(_ decision: BreachRecord.Decision) {
      switch decision {
      case .reported(let reference, let at): reported = Reported(reference: reference, at: at)
      case .notReportable(let reason): notReportable = NotReportable(reason: reason)
      }
    }
  }

  struct Breach: Content {
    var awareAt: Date
    var decision: Decision?
    var decidedBy: UUID?
    var decidedAt: Date?
  }

  struct Review: Content {
    var whatHappened: String
    var cause: String
    var contributingFactors: String?
    var actions: [ComplaintResponse.Action]
  }

  struct Member: Content {
    var staffID: UUID
    var name: String
    var role: String
    var addedAt: Date
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
  var updates: [Update]
  var patientSafety: Bool
  var clinicalReview: Clinical?
  var personalDataBreach: Bool
  var breach: Breach?
  var resolutionSummary: String?
  var review: Review?
  var members: [Member]

  init(_ current: IncidentCase, reports: [String]) {
    let incident = current.incident
    caseId = current.record.id.lowercaseString
    reference = current.record.reference.description
    subject = current.record.subject
    status = current.record.status.rawValue
    impact = incident.impact.rawValue
    urgency = incident.urgency.rawValue
    severity = incident.severity
    suggestedSeverity = incident.suggestedSeverity
    severityOverride = incident.severityOverride.map { Override(severity: $0.severity, reason: $0.reason, at: $0.at) }
    declaredAt = incident.declaredAt
    self.reports = reports
    publishedAt = incident.publishedAt
    updates = incident.updates.map { Update(id: $0.id, at: $0.at, text: $0.text, isPublic: $0.isPublic, by: $0.by) }
    patientSafety = incident.patientSafety
    clinicalReview = incident.clinicalReview.map {
      Clinical(
        hazard: $0.hazard, likelihood: $0.likelihood.rawValue, consequence: $0.consequence.rawValue,
        hazardLogUpdated: $0.hazardLogUpdated, by: $0.by, at: $0.at)
    }
    personalDataBreach = incident.personalDataBreach
    breach = incident.breach.map {
      Breach(awareAt: $0.awareAt, decision: $0.decision.map(Decision.init), decidedBy: $0.decidedBy, decidedAt: $0.decidedAt)
    }
    resolutionSummary = incident.resolutionSummary
    review = incident.review.map {
      Review(
        whatHappened: $0.whatHappened, cause: $0.cause, contributingFactors: $0.contributingFactors,
        actions: $0.actions.map(ComplaintResponse.Action.init))
    }
    members = incident.members.map { Member(staffID: $0.staffID, name: $0.name, role: $0.role.rawValue, addedAt: $0.addedAt) }
  }
}
