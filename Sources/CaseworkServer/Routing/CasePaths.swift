import CaseworkCore
import Foundation

/// A case page's own addresses: its forms, and its complaint and incident pages.
struct CasePaths: Encodable, Sendable {
  let page, reply, note, status, assign, tags, links, extendDeadline, raiseComplaint, complaint, incident: String

  init(_ id: CaseID) {
    page = SiteRoute.staffCase.path(id)
    reply = SiteRoute.caseReply.path(id)
    note = SiteRoute.caseNote.path(id)
    status = SiteRoute.caseStatus.path(id)
    assign = SiteRoute.caseAssign.path(id)
    tags = SiteRoute.caseTags.path(id)
    links = SiteRoute.caseLinks.path(id)
    extendDeadline = SiteRoute.caseExtendDeadline.path(id)
    raiseComplaint = SiteRoute.caseRaiseComplaint.path(id)
    complaint = SiteRoute.complaint.path(id)
    incident = SiteRoute.incident.path(id)
  }
}

/// A complaint page's forms.
struct ComplaintPaths: Encodable, Sendable {
  let acknowledge, move, investigation, respond, ombudsman, timeLimit, delay: String

  init(_ id: CaseID) {
    acknowledge = SiteRoute.complaintAcknowledge.path(id)
    move = SiteRoute.complaintMove.path(id)
    investigation = SiteRoute.complaintInvestigation.path(id)
    respond = SiteRoute.complaintRespond.path(id)
    ombudsman = SiteRoute.complaintOmbudsman.path(id)
    timeLimit = SiteRoute.complaintTimeLimit.path(id)
    delay = SiteRoute.complaintDelay.path(id)
  }
}

/// An incident page's forms.
struct IncidentPaths: Encodable, Sendable {
  let assessment, updates, components, resolve, close, clinicalReview, patientSafety, breachDecision, breach, members: String

  init(_ id: CaseID) {
    assessment = SiteRoute.incidentAssessment.path(id)
    updates = SiteRoute.incidentUpdates.path(id)
    components = SiteRoute.incidentComponents.path(id)
    resolve = SiteRoute.incidentResolve.path(id)
    close = SiteRoute.incidentClose.path(id)
    clinicalReview = SiteRoute.incidentClinicalReview.path(id)
    patientSafety = SiteRoute.incidentPatientSafety.path(id)
    breachDecision = SiteRoute.incidentBreachDecision.path(id)
    breach = SiteRoute.incidentBreach.path(id)
    members = SiteRoute.incidentMembers.path(id)
  }
}

extension MACCaseLinks.Paths {
  /// The requester's private page and the console's case page, from the route type.
  static let routes = MACCaseLinks.Paths(
    requesterCase: { SiteRoute.requesterCase.path($0) }, staffCase: { SiteRoute.staffCase.path($0) })
}
