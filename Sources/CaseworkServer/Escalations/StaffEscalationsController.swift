import CaseworkCore
import Foundation
import Vapor

/// The Escalations queue: every escalation still waiting for a support team manager's answer,
/// the earliest due first, with the time left (domain §4).
struct StaffEscalationsController {
  func boot(_ routes: any RoutesBuilder) {
    routes.grouped(StaffAuthentication(permission: .readCases)).get(.escalations, use: queue)
  }

  struct Row: Encodable {
    var id: String
    var href: String
    var reference: String
    var subject: String
    var assignee: String
    var due: String
    var timeLeft: String
    var breached: Bool
    var urgent: Bool
  }

  struct QueuePage: Encodable {
    var layout: Layout
    var rows: [Row]
    var hasRows: Bool
    var countText: String
    var canAnswer: Bool
  }

  func queue(_ request: Request) async throws -> Response {
    let user = try request.requireStaff()
    let services = request.casework
    let escalations = try await services.cases.openEscalations()
    let names = try await services.cases.people.names()
    let dates = DisplayDates()
    let text = services.deadlineText
    let now = services.clock.now()
    let rows = escalations.map { escalation in
      Row(
        id: escalation.record.id.lowercaseString, href: SiteRoute.staffCase.path(escalation.record.id),
        reference: escalation.record.reference.description,
        subject: NHSNumber.mask(in: escalation.record.subject),
        assignee: escalation.record.assigneeID.flatMap { names[$0] } ?? "Support team managers",
        due: escalation.deadline.dueAt.map(dates.string) ?? "–", timeLeft: text.timeLeft(escalation.deadline, now: now),
        breached: escalation.deadline.state == .breached, urgent: escalation.record.priority == .urgent)
    }
    let count = rows.count
    let page = QueuePage(
      layout: Layout(request, title: "Escalations"), rows: rows, hasRows: !rows.isEmpty,
      countText: count == 0
        ? "No escalations are waiting for an answer."
        : "\(count) escalation\(count == 1 ? "" : "s") waiting for a manager's answer.",
      canAnswer: user.can(.answerEscalations))
    return try await Pages.render(request, "staff-escalations", page)
  }
}
